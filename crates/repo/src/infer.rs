//! Target-tree inference: the chain [`Repo::infer_tree`] walks (explicit, `bpf-policy.tree`,
//! b4, `format.subjectPrefix`, remotes, branches) and reading a tree out of remote URLs,
//! names and b4's tracking data.

use bpf_policy::item::B4_TRACKING_MARKER;
use bpf_policy::prefix::tree_from_prefix_text;
use bpf_policy::tree::{Tree, TreeSource};

use crate::{PushTarget, Repo, libgit};

/// The tree a remote URL points at: its last path component, without `.git` and trailing
/// slashes, is a tree's repository name (`.../bpf/bpf-next.git`, `git@host:net-next`).
pub(crate) fn tree_from_url(url: &str) -> Option<Tree> {
    let u = url.trim().trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u).trim_end_matches('/');
    let last = u.rsplit(['/', ':', '\\']).next()?;
    tree_from_name(last)
}

/// A remote or branch named exactly after a tree (`bpf-next`, `net`).
pub(crate) fn tree_from_name(name: &str) -> Option<Tree> {
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    name.parse().ok()
}

/// The tree in b4's tracking JSON (`{"series": {"prefixes": ["bpf-next"], ...}}`).
///
/// serde_json rather than a hand-written scan: the workspace already builds it, and b4's
/// JSON carries free text (cover subjects, change-ids) where a naive search for `"prefixes"`
/// or for brackets could be fooled by escapes and nesting.
pub(crate) fn tree_from_b4_json(text: &str) -> Option<Tree> {
    // As b4 reads it: everything before the first `{` is its comment line.
    let start = text.find('{')?;
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter();
    let value: serde_json::Value = stream.next()?.ok()?;
    let prefixes = value.get("series")?.get("prefixes")?;
    let joined = match prefixes {
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        serde_json::Value::String(s) => s.clone(),
        _ => return None,
    };
    tree_from_prefix_text(&joined)
}

/// The tracking JSON of b4's cover commit: what follows its marker line.
pub(crate) fn b4_cover_json(message: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(message);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim() == B4_TRACKING_MARKER {
            return Some(text[offset..].to_owned());
        }
    }
    None
}

/// How far back along HEAD's first-parent line b4's cover commit is looked for. netdev and
/// BPF series stay around 15 patches; the walk also stops at the first merge (the series
/// base). Every commit read here is paid by every hook run that has no bpf-policy.tree.
const B4_WALK_LIMIT: usize = 64;

impl Repo {
    /// The branch HEAD is on, without `refs/heads/`; during a rebase, the branch being
    /// rebased. None when detached otherwise.
    pub fn current_branch(&self) -> Option<String> {
        let head = self
            .either(|r| Ok(libgit::head_ref(r)?), |c| c.head_ref())
            .ok()
            .flatten()
            .or_else(|| {
                ["rebase-merge/head-name", "rebase-apply/head-name"]
                    .iter()
                    .find_map(|f| std::fs::read_to_string(self.git_dir().join(f)).ok())
                    .map(|s| s.trim().to_owned())
            })?;
        head.strip_prefix("refs/heads/").map(str::to_owned)
    }

    /// The target tree, first match wins: `explicit`; `bpf-policy.tree`; b4's tracking data;
    /// `format.subjectPrefix`; the upstream remote's URL or name; the upstream branch's or the
    /// current branch's name.
    pub fn infer_tree(&self, explicit: Option<Tree>) -> Option<(Tree, TreeSource)> {
        self.infer(explicit, self.configured_tree(), None)
    }

    /// [`Repo::infer_tree`] for a push: a URL that names a tree's repository is the
    /// destination and outranks `bpf-policy.tree`; a remote named after a tree decides right
    /// after `bpf-policy.tree`.
    pub fn infer_push_tree(
        &self,
        explicit: Option<Tree>,
        remote_name: &str,
        remote_url: &str,
    ) -> Option<(Tree, TreeSource)> {
        let push = PushTarget {
            name: remote_name.to_owned(),
            url: remote_url.to_owned(),
        };
        self.infer(explicit, self.configured_tree(), Some(&push))
    }

    /// `bpf-policy.tree` as [`bpf_policy::Config`] reads it (that parser owns the setting).
    fn configured_tree(&self) -> Option<Tree> {
        let pairs = self.policy_config();
        bpf_policy::Config::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .0
            .tree
    }

    /// The inference chain; `configured` is `bpf-policy.tree` as the caller's
    /// [`bpf_policy::Config`] read it.
    pub(crate) fn infer(
        &self,
        explicit: Option<Tree>,
        configured: Option<Tree>,
        push: Option<&PushTarget>,
    ) -> Option<(Tree, TreeSource)> {
        if let Some(t) = explicit {
            return Some((t, TreeSource::Explicit));
        }
        let remote = |t: Tree, p: &PushTarget| {
            (
                t,
                TreeSource::Remote {
                    name: p.name.clone(),
                    url: p.url.clone(),
                },
            )
        };
        if let Some(p) = push
            && let Some(t) = tree_from_url(&p.url)
        {
            return Some(remote(t, p));
        }
        if let Some(t) = configured {
            return Some((t, TreeSource::Config));
        }
        if let Some(p) = push
            && let Some(t) = tree_from_name(&p.name)
        {
            return Some(remote(t, p));
        }
        let branch = self.current_branch();
        if let Some(t) = self.b4_tree(branch.as_deref()) {
            return Some((t, TreeSource::B4Tracking));
        }
        if let Some(t) = self
            .config
            .last("format.subjectprefix")
            .and_then(tree_from_prefix_text)
        {
            return Some((t, TreeSource::FormatSubjectPrefix));
        }
        if let Some(remote) = self.upstream_remote(branch.as_deref()) {
            let url = self
                .config
                .last(&format!("remote.{remote}.url"))
                .unwrap_or_default();
            if let Some(t) = tree_from_url(url).or_else(|| tree_from_name(&remote)) {
                return Some((
                    t,
                    TreeSource::Remote {
                        name: remote,
                        url: url.to_owned(),
                    },
                ));
            }
        }
        let branch = branch?;
        if let Some(merge) = self.config.last(&format!("branch.{branch}.merge")) {
            let short = merge.strip_prefix("refs/heads/").unwrap_or(merge);
            if let Some(t) = tree_from_name(short) {
                let shown = match self.config.last(&format!("branch.{branch}.remote")) {
                    Some(r) if r != "." => format!("{r}/{short}"),
                    _ => short.to_owned(),
                };
                return Some((t, TreeSource::Branch(shown)));
            }
        }
        tree_from_name(&branch).map(|t| (t, TreeSource::Branch(branch)))
    }

    /// b4's tracking data for the current branch. b4 records how it keeps the cover letter
    /// (`branch.<name>.b4-prep-cover-strategy`) on every branch it prepares; only then is
    /// HEAD's first-parent line searched for its cover commit, so other branches pay nothing.
    /// The branch-description strategy keeps the data in `branch.<name>.b4-tracking`.
    fn b4_tree(&self, branch: Option<&str>) -> Option<Tree> {
        let branch = branch?;
        let strategy = self
            .config
            .last(&format!("branch.{branch}.b4-prep-cover-strategy"))?;
        if strategy == "branch-description" {
            let tracking = self.config.last(&format!("branch.{branch}.b4-tracking"))?;
            return tree_from_b4_json(tracking);
        }
        let messages = self
            .either(
                |r| Ok(libgit::first_parent_messages(r, B4_WALK_LIMIT)?),
                |c| c.first_parent_messages(B4_WALK_LIMIT),
            )
            .unwrap_or_default();
        // b4 uses the newest cover; an older one further down belongs to another series.
        let json = messages.iter().find_map(|(_, m)| b4_cover_json(m))?;
        tree_from_b4_json(&json)
    }

    /// The remote of the branch's upstream, else `origin`, else the only remote.
    fn upstream_remote(&self, branch: Option<&str>) -> Option<String> {
        if let Some(b) = branch
            && let Some(r) = self.config.last(&format!("branch.{b}.remote"))
            && r != "."
        {
            return Some(r.to_owned());
        }
        let mut remotes: Vec<&str> = self
            .config
            .entries()
            .filter_map(|e| e.key.strip_prefix("remote.")?.strip_suffix(".url"))
            .collect();
        remotes.dedup();
        if remotes.contains(&"origin") {
            return Some("origin".to_owned());
        }
        match remotes.as_slice() {
            [only] => Some((*only).to_owned()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let cases = [
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf-next.git",
                Some(Tree::BpfNext),
            ),
            (
                "git://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf.git/",
                Some(Tree::Bpf),
            ),
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/netdev/net-next",
                Some(Tree::NetNext),
            ),
            ("git@example.org:net.git", Some(Tree::Net)),
            ("ssh://host/net/", Some(Tree::Net)),
            (
                "https://git.kernel.org/pub/scm/network/iproute2/iproute2-next.git",
                Some(Tree::Iproute2Next),
            ),
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git",
                None,
            ),
            ("/home/me/bpf-next-work", None),
            ("", None),
        ];
        for (url, want) in cases {
            assert_eq!(tree_from_url(url), want, "{url}");
        }
    }

    #[test]
    fn b4_json() {
        let msg = b"cover subject\n\nblurb\n\n--- b4-submit-tracking ---\n# This section is used internally by b4 prep\n";
        assert_eq!(
            b4_cover_json(msg).as_deref(),
            Some("# This section is used internally by b4 prep\n")
        );
        let json = r#"# This section is used internally by b4 prep for tracking purposes.
{
  "series": {
    "revision": 2,
    "change-id": "20240101-x-\"prefixes\"",
    "prefixes": ["RFC", "bpf-next"],
    "base-branch": "master"
  }
}"#;
        assert_eq!(tree_from_b4_json(json), Some(Tree::BpfNext));
        assert_eq!(tree_from_b4_json(r#"{"series": {"prefixes": []}}"#), None);
        assert_eq!(tree_from_b4_json("not json"), None);
        assert_eq!(b4_cover_json(b"subject\n\nbody\n---\nnotes\n"), None);
    }
}
