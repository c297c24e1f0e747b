//! What a push sends: the refs git names on pre-push's stdin, and the commits they add.

use crate::{CommitData, Repo, RepoError};

/// One line of pre-push's stdin: `<local ref> <local id> <remote ref> <remote id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushUpdate {
    /// The local ref (`refs/heads/x`, or `(delete)`).
    pub local_ref: String,
    /// The id being pushed (all zeros for a deletion).
    pub local_id: String,
    /// The ref on the remote.
    pub remote_ref: String,
    /// What the remote has there now (all zeros for a new ref).
    pub remote_id: String,
}

/// A malformed pre-push line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "pre-push got a line it does not understand: '{0}' (expected <local ref> <local id> <remote ref> <remote id>)"
)]
pub struct BadPushLine(pub String);

fn is_zero(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b == b'0')
}

fn is_id(id: &str) -> bool {
    (id.len() == 40 || id.len() == 64) && id.bytes().all(|b| b.is_ascii_hexdigit())
}

impl PushUpdate {
    /// Parse one line.
    pub fn parse(line: &str) -> Result<PushUpdate, BadPushLine> {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            [lr, lid, rr, rid] if is_id(lid) && is_id(rid) => Ok(PushUpdate {
                local_ref: (*lr).to_owned(),
                local_id: lid.to_ascii_lowercase(),
                remote_ref: (*rr).to_owned(),
                remote_id: rid.to_ascii_lowercase(),
            }),
            _ => Err(BadPushLine(line.to_owned())),
        }
    }

    /// A deletion sends no commits.
    pub fn is_delete(&self) -> bool {
        is_zero(&self.local_id)
    }

    /// The remote does not have the ref yet.
    pub fn is_new(&self) -> bool {
        is_zero(&self.remote_id)
    }
}

impl Repo {
    /// Commits the updates would add to the remote, oldest first, each once. For an update
    /// whose old remote id is known locally, that id bounds the walk; for new refs and for
    /// force pushes over history we do not have, the remote's tracking refs bound it (all
    /// remote-tracking refs when the remote has none), and with no remote-tracking refs at
    /// all, mainline's release tags (`v*`) do. Tags are peeled to their commits.
    pub fn pushed_commits(
        &self,
        remote: &str,
        updates: &[PushUpdate],
    ) -> Result<Vec<CommitData>, RepoError> {
        let tracking = self.remote_tracking_ids(remote);
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for u in updates.iter().filter(|u| !u.is_delete()) {
            let mut exclude = tracking.clone();
            if !u.is_new() && self.has_commit(&u.remote_id) {
                exclude.push(u.remote_id.clone());
            }
            if exclude.is_empty() {
                // Nothing says what the remote has: without a bound a first push of a kernel
                // branch would walk all of mainline. Released history is not the push's.
                exclude.push("refs/tags/v*".to_owned());
            }
            for c in self.commits_between(&u.local_id, &exclude)? {
                if seen.insert(c.id.clone()) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }
}
