//! The BPF submission policy as data and code.
//!
//! Parsers for commit messages, patch emails, mboxes and subject prefixes; the rule table;
//! diagnostics and their rendering. Pure: no processes, no git. Repository facts come in
//! through [`repo::RepoFacts`].

pub mod config;
pub mod diag;
pub mod email;
pub mod exit;
pub mod fixes_tag;
pub mod item;
pub mod mailmap;
pub mod maintainers;
pub mod message;
pub mod prefix;
pub mod recipients;
pub mod repo;
pub mod rules;
pub mod scope;
pub mod sent;
pub mod shell;
pub mod tree;

pub use config::Config;
pub use diag::{Diagnostic, Severity};
pub use item::Item;
pub use rules::{Context, RULES, RuleId, check};
pub mod input;
pub mod render;
