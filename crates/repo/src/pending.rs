//! The commit in progress: the files the index is about to commit, for the commit-msg hook.

use std::cell::OnceCell;

use bpf_policy::item::FileChange;

use crate::open::env_path;
use crate::{Repo, RepoError, libgit};

/// The commit the index is about to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingCommit {
    /// A new commit on top of HEAD: its files are the index against HEAD.
    New,
    /// `git commit --amend` (also a reword during `rebase -i`): the commit replaces HEAD, so
    /// its files are the index against HEAD's parent.
    Amend,
    /// Not known which: git refuses a new commit that changes nothing before the hook runs
    /// (short of `--allow-empty`), so an index equal to HEAD's tree means an amend.
    Either,
}

/// An index larger than this (about 2,500 entries) is compared with HEAD by `git diff
/// --cached`, not libgit2: libgit2 hashes the whole file on every read to verify it, and git
/// does not. In a kernel-sized tree (90,000 entries, an 8.5 MB index) that was 86 ms in
/// libgit2 against 14 ms for git; below the limit, starting git costs more than the read.
const LARGE_INDEX: u64 = 256 * 1024;

impl Repo {
    /// Files the index (`GIT_INDEX_FILE` when set, relative to the top of the working tree)
    /// changes against HEAD; with HEAD unborn every entry is Added.
    pub fn staged_files(&self) -> Result<Vec<FileChange>, RepoError> {
        self.index_files(PendingCommit::New)
    }

    /// Files the index changes against HEAD's parent (against nothing when HEAD is a root
    /// commit): the files of the commit `git commit --amend` makes.
    pub fn amended_files(&self) -> Result<Vec<FileChange>, RepoError> {
        self.index_files(PendingCommit::Amend)
    }

    fn index_files(&self, pending: PendingCommit) -> Result<Vec<FileChange>, RepoError> {
        let Some(workdir) = self.workdir() else {
            return Err(RepoError::Bare {
                path: self.git_dir().to_owned(),
            });
        };
        let env_index = env_path("GIT_INDEX_FILE").map(|p| workdir.join(p));
        if pending == PendingCommit::Either {
            let new = self.index_files(PendingCommit::New)?;
            if !new.is_empty() || !self.has_commit("HEAD") {
                return Ok(new);
            }
            return self.index_files(PendingCommit::Amend);
        }
        let amend = pending == PendingCommit::Amend;
        let path = env_index
            .clone()
            .unwrap_or_else(|| self.git_dir().join("index"));
        if std::fs::metadata(&path).is_ok_and(|m| m.len() > LARGE_INDEX) {
            return self.cmd.staged(env_index.as_deref(), amend);
        }
        self.either(
            |repo| Ok(libgit::staged(repo, &path, amend)?),
            |cmd| cmd.staged(env_index.as_deref(), amend),
        )
    }

    /// Say which commit git is making (the commit-msg hook does), so that
    /// [`bpf_policy::repo::RepoFacts::pending_files`] can list its files when a rule asks.
    pub fn expect_commit(&mut self, pending: PendingCommit) {
        self.pending = Some(pending);
        self.pending_files = OnceCell::new();
    }

    /// The files of the commit in progress, listed on the first call; the error says why
    /// they could not be. None when no commit is expected.
    pub fn pending_files_result(&self) -> Option<&Result<Vec<FileChange>, String>> {
        let pending = self.pending?;
        Some(
            self.pending_files
                .get_or_init(|| self.index_files(pending).map_err(|e| e.to_string())),
        )
    }
}
