//! Single revisions and refs: whether a commit is here, the commit a name points at, the ids
//! of remote-tracking refs, and the commits already public.

use crate::backend::lib_rev_error;
use crate::{Repo, RepoError, libgit};

impl Repo {
    /// Whether `rev` (an id, a ref name) names a commit, or a tag of one, present here.
    pub fn has_commit(&self, rev: &str) -> bool {
        if rev.is_empty() || rev.starts_with('-') {
            return false;
        }
        self.either(
            |repo| Ok(libgit::rev_commit(repo, rev).is_ok()),
            |cmd| Ok(cmd.rev_commit(rev).is_ok()),
        )
        .unwrap_or(false)
    }

    /// The ids of `refs/remotes/<remote>/*`, or of every remote-tracking ref when that remote
    /// has none (a push to a URL, a remote never fetched), for bounding a pre-push walk.
    /// Empty when the repository has no remote-tracking refs at all.
    pub fn remote_tracking_ids(&self, remote: &str) -> Vec<String> {
        let own = self.ref_ids(&format!("refs/remotes/{remote}/"));
        if own.is_empty() {
            self.ref_ids("refs/remotes/")
        } else {
            own
        }
    }

    /// Ids the refs below `prefix` (ending in `/`) point at, from the ref store only.
    pub(crate) fn ref_ids(&self, prefix: &str) -> Vec<String> {
        let mut ids = self
            .either(
                |repo| Ok(libgit::ref_ids(repo, prefix)?),
                |cmd| cmd.ref_ids(prefix),
            )
            .unwrap_or_default();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The commit a revision names (peeling tags); `Ok(None)` when it names a tree or a blob
    /// (or a tag of one); an error when the object is not here at all.
    pub fn commit_of(&self, rev: &str) -> Result<Option<String>, RepoError> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "not a revision".to_owned(),
            });
        }
        self.either(
            |repo| {
                let obj = match repo.revparse_single(rev) {
                    Ok(o) => o,
                    Err(e) => return Err(lib_rev_error(rev, e)),
                };
                Ok(obj
                    .peel(git2::ObjectType::Commit)
                    .ok()
                    .map(|c| c.id().to_string()))
            },
            |cmd| cmd.commit_of(rev),
        )
    }

    /// The commits every remote-tracking ref and every tag point at (tags peeled; tags of
    /// trees and blobs left out), except the refs named in `except`: history already public.
    pub fn public_commit_ids(&self, except: &[&str]) -> Result<Vec<String>, RepoError> {
        let mut ids = self.either(
            |repo| Ok(libgit::public_commit_ids(repo, except)?),
            |cmd| cmd.public_commit_ids(except),
        )?;
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
}
