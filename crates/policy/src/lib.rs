//! The BPF submission policy as data and code.
//!
//! Parsers for commit messages, patch emails, mboxes and subject prefixes; the rule table;
//! diagnostics and their rendering. Pure: no processes, no git. Repository facts come in
//! through [`repo::RepoFacts`].

pub mod email;
pub mod item;
pub mod message;
pub mod prefix;
pub mod repo;
pub mod tree;
