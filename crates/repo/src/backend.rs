//! Backend dispatch: each question goes to libgit2 where it opened the repository and to the
//! `git` command where it did not, or where libgit2 failed on it.

use git2::{ErrorCode, Repository};

use crate::gitcmd::GitCmd;
use crate::{Repo, RepoError, libgit};

impl Repo {
    /// Run `lib` where libgit2 opened the repository; where it did not, or where `lib` failed
    /// inside libgit2, run `cmd`.
    pub(crate) fn either<T>(
        &self,
        lib: impl FnOnce(&Repository) -> Result<T, RepoError>,
        cmd: impl FnOnce(&GitCmd) -> Result<T, RepoError>,
    ) -> Result<T, RepoError> {
        let Some(repo) = &self.lib else {
            return cmd(&self.cmd);
        };
        match lib(repo) {
            Err(lib_err @ RepoError::Lib(_)) => match cmd(&self.cmd) {
                Err(RepoError::GitMissing { .. }) => Err(lib_err),
                other => other,
            },
            other => other,
        }
    }
}

/// A revision's commit through libgit2; names libgit2 cannot resolve are the caller's
/// mistake, not a reason to ask git.
pub(crate) fn lib_rev(repo: &Repository, rev: &str) -> Result<git2::Oid, RepoError> {
    libgit::rev_commit(repo, rev).map_err(|e| lib_rev_error(rev, e))
}

pub(crate) fn lib_rev_error(rev: &str, e: git2::Error) -> RepoError {
    match e.code() {
        ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::Ambiguous | ErrorCode::Peel => {
            RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: e.message().to_owned(),
            }
        }
        _ => RepoError::Lib(e),
    }
}
