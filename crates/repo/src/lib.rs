//! git-backed repository facts for bpf-policy: `Fixes:` resolution, target-tree inference,
//! commit ranges for pre-push and `--range`, and the staged files of a commit in progress.
//!
//! Two backends sit behind [`Repo`]: libgit2 (in-process, fast) for the repositories it can
//! open, and the `git` command for the rest: SHA-256 object format and reftable refs (which
//! the libgit2 1.9 built here rejects), extensions it does not know, and repositories whose
//! ownership libgit2 refuses while git accepts them (`GIT_DIR` set by a hook, `SUDO_UID`).
//! A libgit2 failure on an opened repository (a split index, a corrupt pack) is retried
//! with the `git` command too, so callers never see which backend answered.
//!
//! This file holds [`Repo`] and the crate's public surface; each job has its own module:
//! opening (`open`), backend dispatch (`backend`), errors (`error`), settings (`settings`),
//! target-tree inference (`infer`), ranges and pushes (`range`, `push`), single revisions and
//! refs (`revs`), the commit in progress (`pending`), the rules' facts (`facts`, `fixes`,
//! `ancestry`), and the two backends (`libgit`, `gitcmd`).

mod ancestry;
mod backend;
mod config;
mod error;
mod facts;
mod fixes;
mod gitcmd;
mod infer;
mod libgit;
mod open;
mod ours_cache;
mod pending;
mod push;
mod range;
mod revs;
mod sending;
mod session;
mod settings;
pub mod state;

pub use error::RepoError;
pub use pending::PendingCommit;
pub use push::{BadPushLine, PushKind, PushTarget, PushUpdate};
pub use range::CommitData;
pub use sending::{SentLog, now};
pub use session::Session;
pub use settings::global_policy_config;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use bpf_policy::item::FileChange;
use bpf_policy::maintainers::Maintainers;
use bpf_policy::repo::{RepoFacts, Resolved};
use git2::Repository;

use crate::config::ConfigList;
use crate::gitcmd::GitCmd;

/// An ancestry question as cached: (ancestor, descendant or None for HEAD).
type AncestryKey = (String, Option<String>);

/// MAINTAINERS (or part of it) as read: absent, parsed, or why it could not be read.
type MaintainersRead = Result<Option<Maintainers>, String>;

/// A git repository, read through libgit2 or the `git` command.
pub struct Repo {
    lib: Option<Repository>,
    cmd: GitCmd,
    fallback_reason: Option<String>,
    shallow: bool,
    config: ConfigList,
    resolved: RefCell<HashMap<String, Resolved>>,
    /// Ancestry answers by (ancestor, descendant or None for HEAD).
    ancestry: RefCell<HashMap<AncestryKey, Option<bool>>>,
    /// The most commits one ancestry walk read without a commit-graph, when that was many
    /// ([`fixes::LONG_WALK`] or more).
    long_walk: Cell<Option<usize>>,
    tags: OnceCell<Vec<String>>,
    /// MAINTAINERS at HEAD, read on first need: once per process (a sendemail-validate run
    /// asks only when the last email of the series arrives), and indexed only when a
    /// question needs the whole file (scope detection reads only our entries).
    maintainers_parsed: OnceCell<MaintainersRead>,
    /// The id of HEAD's MAINTAINERS blob (its tree entry; the blob is not read for it).
    maintainers_id: OnceCell<Result<Option<String>, String>>,
    /// Our entries of MAINTAINERS for scope detection, from the cache when it has this
    /// MAINTAINERS version (see `ours_cache`), and what became of the cache, for `--verbose`.
    our_entries: OnceCell<(MaintainersRead, Option<String>)>,
    /// `.mailmap` at HEAD, read on first need (only the recipients rules ask).
    mailmap: OnceCell<Option<bpf_policy::mailmap::Mailmap>>,
    /// Set by the commit-msg hook: the commit git is making, whose files rules may ask for.
    pending: Option<PendingCommit>,
    pending_files: OnceCell<Result<Vec<FileChange>, String>>,
}

impl fmt::Debug for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repo")
            .field("git_dir", &self.cmd.git_dir)
            .field("workdir", &self.cmd.work_tree)
            .field(
                "backend",
                &if self.lib.is_some() { "libgit2" } else { "git" },
            )
            .field("shallow", &self.shallow)
            .finish_non_exhaustive()
    }
}

impl Repo {
    /// The git directory (for a linked worktree, its own one under `.git/worktrees/`).
    pub fn git_dir(&self) -> &Path {
        &self.cmd.git_dir
    }

    /// The repository's shared git directory: for a linked worktree the main one (its
    /// `commondir` file says where), else the git directory itself.
    pub fn common_dir(&self) -> PathBuf {
        let gd = self.git_dir();
        match std::fs::read_to_string(gd.join("commondir")) {
            Ok(c) if !c.trim().is_empty() => {
                let p = gd.join(c.trim_end_matches(['\n', '\r']));
                std::fs::canonicalize(&p).unwrap_or(p)
            }
            _ => gd.to_owned(),
        }
    }

    /// The top of the working tree; None for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.cmd.work_tree.as_deref()
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// Why libgit2 could not open the repository, when the `git` command serves it instead.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    /// This repository as the rules' [`RepoFacts`] (`Repo` implements it directly).
    pub fn facts(&self) -> &dyn RepoFacts {
        self
    }
}
