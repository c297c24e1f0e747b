//! What the rules need to know about a git repository, as a trait so the core stays pure.
//!
//! The git2-backed implementation lives in the `bpf-policy-repo` crate; tests use small fakes.

use crate::item::FileChange;
use crate::tree::Tree;

/// A commit as the rules see it: its full id and its subject line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hexadecimal object id (40 or 64 digits).
    pub id: String,
    /// First line of the commit message.
    pub subject: String,
}

/// The outcome of resolving an abbreviated commit id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Exactly one commit has this prefix.
    Commit(CommitInfo),
    /// Several objects share the prefix; the commits among them are listed.
    Ambiguous(Vec<CommitInfo>),
    /// The id names an object that is not a commit (a blob, tree or tag of a non-commit).
    NotACommit,
    /// Nothing in the repository has this id; the string says why it may be so
    /// (for example "the repository is a shallow clone").
    Missing(String),
    /// The repository could not answer; the string says why.
    Unavailable(String),
}

/// Repository facts, answered by the caller. Every method must be cheap to call repeatedly
/// or cache internally; rules call them once per `Fixes:` tag.
pub trait RepoFacts {
    /// Resolve a hexadecimal commit id prefix (at least 4 digits).
    fn resolve(&self, id_prefix: &str) -> Resolved;

    /// Whether `ancestor` is an ancestor of (or equal to) `descendant`; `None` as descendant
    /// means HEAD. `None` as result means it could not be determined (unborn HEAD, error).
    fn is_ancestor(&self, ancestor: &str, descendant: Option<&str>) -> Option<bool>;

    /// Names of tags that look like mainline releases (`v6.12`, `v6.13-rc1`), without `refs/tags/`.
    /// An empty list means the repository has none, and merge-window checks stay silent.
    fn release_tags(&self) -> Vec<String>;

    /// The files of the commit being recorded, for a bare commit message checked while git
    /// makes that commit (the commit-msg hook): the index against the new commit's parent.
    /// `None` when no commit is in progress or the files cannot be listed. Only rules that
    /// need them ask, so an implementation lists them on the first call and keeps them.
    fn pending_files(&self) -> Option<&[FileChange]> {
        None
    }

    /// Whether the current branch is managed by `b4 prep` (its prefixes are set with
    /// `b4 prep --set-prefixes`, not `git format-patch --subject-prefix`).
    fn b4_branch(&self) -> bool {
        false
    }

    /// Where a commit is known to be: in a mainline release, and on the branch of `tree`.
    /// fixes-tree asks it; the default knows nothing, and the rule stays silent.
    fn reach(&self, _id: &str, _tree: Tree) -> Reach {
        Reach::default()
    }

    /// MAINTAINERS at HEAD, read at most once per process: scope detection reads the BPF
    /// and networking entries from it, the recipients rules match patches against it. The
    /// default (for fakes and backends without a tree) is that there is none.
    fn maintainers_parsed(&self) -> MaintainersAt<'_> {
        MaintainersAt::Absent
    }

    /// The author of a commit given by its full id, when the repository has it.
    fn commit_author(&self, _id: &str) -> Option<crate::item::Ident> {
        None
    }
}

/// The answer of [`RepoFacts::reach`]. Each part is `None` when the repository cannot say
/// (no mainline tags; no remote-tracking refs of the tree), else whether the commit is there
/// and what was looked at (a tag name, ref names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Contained in the newest mainline tag (`vX.Y` / `vX.Y-rcN`): released.
    pub release: Option<(bool, String)>,
    /// On a remote-tracking branch of the tree's repository.
    pub tree_branch: Option<(bool, String)>,
}

/// A mainline release tag as (major, minor, rc); rc is `u32::MAX` for a final release so it
/// sorts after its candidates. None for any other name.
pub fn release_version(tag: &str) -> Option<(u32, u32, u32)> {
    let rest = tag.strip_prefix('v')?;
    let (ver, rc) = match rest.split_once("-rc") {
        Some((v, rc)) => (v, rc.parse().ok()?),
        None => (rest, u32::MAX),
    };
    let (major, minor) = ver.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?, rc))
}

/// Whether release tag names come from a kernel repository: mainline tags both `vX.Y` and
/// `vX.Y-rcN`. A project's own `v0.3` or `v6.2` release tags are not mainline.
pub fn is_kernel_tags(tags: &[String]) -> bool {
    tags.iter().any(|t| t.contains("-rc")) && tags.iter().any(|t| !t.contains("-rc"))
}

/// The MAINTAINERS file of the tree being patched (HEAD's tree, never the work tree), parsed.
#[derive(Debug, Clone, Copy)]
pub enum MaintainersAt<'a> {
    /// HEAD's tree has no MAINTAINERS (not a kernel tree, or no commit yet).
    Absent,
    /// Read (and indexed on first need), shared by every rule of the run.
    Parsed(&'a crate::maintainers::Maintainers),
    /// It exists but could not be read; the string says why.
    Unreadable(&'a str),
}
