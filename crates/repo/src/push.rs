//! What a push sends: the refs git names on pre-push's stdin, the commits they add, and
//! whether the push is a submission.

use bpf_policy::Config;

use crate::{CommitData, Repo, RepoError, infer};

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

/// The remote a push goes to, as git names it to pre-push (a push to a URL names the URL
/// twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// The remote's name, or the URL.
    pub name: String,
    /// Its URL.
    pub url: String,
}

/// Why a push is, or is not, a submission (SPEC.md, "pre-push: which pushes are
/// submissions").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushKind {
    /// The URL names a tree's repository (`.../bpf.git`): errors block, and that tree is the
    /// target whatever `bpf-policy.tree` says.
    TreeUrl,
    /// `bpf-policy.pushRemote` names the remote (or is `*`): errors block.
    Configured,
    /// No remote at all: a check run by hand (`pre-commit run --hook-stage pre-push
    /// --from-ref A --to-ref B`), which is asked for its verdict: errors block.
    ByHand,
    /// Anything else (a personal fork, a backup): findings are reported, nothing blocks.
    Other,
}

impl PushKind {
    /// Whether errors block the push.
    pub fn blocks(&self) -> bool {
        !matches!(self, PushKind::Other)
    }
}

impl PushTarget {
    /// What kind of push this is under `config`.
    pub fn kind(&self, config: &Config) -> PushKind {
        if infer::tree_from_url(&self.url).is_some() {
            PushKind::TreeUrl
        } else if self.name.trim().is_empty() && self.url.trim().is_empty() {
            PushKind::ByHand
        } else if config.is_push_remote(&self.name) {
            PushKind::Configured
        } else {
            PushKind::Other
        }
    }
}

impl Repo {
    /// Commits the updates would add to the remote, oldest first, each once.
    ///
    /// Commits reachable from any remote-tracking ref or tag are public already (upstream's
    /// history, fetched from whichever remote) and are never listed; tags being pushed do not
    /// count, so pushing a new tag still checks what it points at. Where the remote's old id
    /// is known locally, it bounds the walk too. Updates of objects that are not commits (a
    /// tag of a tree, as linux.git's `v2.6.11-tree`) carry no commits and are skipped.
    pub fn pushed_commits(&self, updates: &[PushUpdate]) -> Result<Vec<CommitData>, RepoError> {
        // A tag being pushed is being published now: what it points at is not public yet.
        // Remote-tracking refs are copies of what remotes have, even when pushed (--mirror).
        let pushed_tags: Vec<&str> = updates
            .iter()
            .map(|u| u.local_ref.as_str())
            .filter(|r| r.starts_with("refs/tags/"))
            .collect();
        // Ref globs let the walk peel the refs itself (and skip tags of trees) at no cost
        // here; only a push of tags needs the list without them.
        let public = if pushed_tags.is_empty() {
            vec!["refs/remotes/*".to_owned(), "refs/tags/*".to_owned()]
        } else {
            self.public_commit_ids(&pushed_tags)?
        };
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for u in updates.iter().filter(|u| !u.is_delete()) {
            let Some(tip) = self.commit_of(&u.local_id)? else {
                continue;
            };
            let mut exclude = public.clone();
            if !u.is_new() && self.has_commit(&u.remote_id) {
                exclude.push(u.remote_id.clone());
            }
            for c in self.commits_between(&tip, &exclude)? {
                if seen.insert(c.id.clone()) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }
}
