//! Refs through git: HEAD's branch, tag names, the ids under a ref prefix, a revision's
//! commit.

use super::{GitCmd, lines};
use crate::RepoError;

impl GitCmd {
    pub fn head_ref(&self) -> Result<Option<String>, RepoError> {
        let out = self.run(&["symbolic-ref", "-q", "HEAD"], None)?;
        match out.status.code() {
            Some(0) => Ok(lines(&out.stdout).next()),
            Some(1) => Ok(None),
            _ => Err(self.failed(&["symbolic-ref", "-q", "HEAD"], &out)),
        }
    }

    pub fn tag_names(&self) -> Result<Vec<String>, RepoError> {
        let out = self.run_ok(
            &["for-each-ref", "--format=%(refname)", "refs/tags/v*"],
            None,
        )?;
        Ok(lines(&out)
            .filter_map(|l| l.strip_prefix("refs/tags/").map(str::to_owned))
            .collect())
    }

    /// Ids the refs below `prefix` (ending in `/`) point at.
    pub fn ref_ids(&self, prefix: &str) -> Result<Vec<String>, RepoError> {
        let pattern = prefix.trim_end_matches('/');
        let out = self.run_ok(&["for-each-ref", "--format=%(objectname)", pattern], None)?;
        Ok(lines(&out).collect())
    }

    /// The full id of a revision's commit.
    pub fn rev_commit(&self, rev: &str) -> Result<String, RepoError> {
        if rev.starts_with('-') {
            return Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "a revision cannot start with '-'".to_owned(),
            });
        }
        let peeled = format!("{rev}^{{commit}}");
        let out = self.run(&["rev-parse", "--verify", "-q", &peeled], None)?;
        match lines(&out.stdout).next() {
            Some(id) if out.status.success() => Ok(id),
            _ => Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "no such commit in this repository".to_owned(),
            }),
        }
    }

    /// The commit `rev` peels to; None for trees, blobs and tags of them; an error when the
    /// object is not here.
    pub fn commit_of(&self, rev: &str) -> Result<Option<String>, RepoError> {
        let out = self.run(&["cat-file", "-t", rev], None)?;
        if !out.status.success() {
            return Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "no such object in this repository".to_owned(),
            });
        }
        Ok(self.rev_commit(rev).ok())
    }

    /// See `libgit::public_commit_ids`.
    pub fn public_commit_ids(&self, except: &[&str]) -> Result<Vec<String>, RepoError> {
        let out = self.run_ok(
            &[
                "for-each-ref",
                "--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)",
                "refs/remotes/",
                "refs/tags/",
            ],
            None,
        )?;
        let mut ids = Vec::new();
        for line in out.split(|&b| b == b'\n') {
            let fields: Vec<&[u8]> = line.split(|&b| b == 0).collect();
            let [name, kind, id, peeled_kind, peeled] = fields.as_slice() else {
                continue;
            };
            if except.iter().any(|e| e.as_bytes() == *name) {
                continue;
            }
            let id = match (*kind, *peeled_kind) {
                (b"commit", _) => id,
                (b"tag", b"commit") => peeled,
                // A tag of a tag of a commit is left out: its commits are checked, which
                // costs time, never a miss.
                _ => continue,
            };
            ids.push(String::from_utf8_lossy(id).into_owned());
        }
        Ok(ids)
    }
}
