//! What the rules need to know about a git repository, as a trait so the core stays pure.
//!
//! The git-backed implementation lives in the `bpf-policy-repo` crate; tests use small fakes.
//! Questions come in batches: a range of a thousand commits can hold hundreds of `Fixes:`
//! tags, and answering them one at a time (a process, or a history walk, per tag) is what
//! made checking slow. The rules gather every question first and ask once.

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

/// A commit id as the kernel abbreviates it in `Fixes:` tags and messages: its first 12
/// digits (the whole id when shorter).
pub fn short_id(id: &str) -> &str {
    id.char_indices().nth(12).map_or(id, |(end, _)| &id[..end])
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

/// One ancestry question: is `ancestor` (a full commit id) an ancestor of, or equal to,
/// `descendant` (a full id; `None` means HEAD)?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AncestryQuery<'a> {
    /// The commit that must be in the history.
    pub ancestor: &'a str,
    /// The commit whose history is searched; `None` for HEAD.
    pub descendant: Option<&'a str>,
}

/// Repository facts, answered by the caller. Each method answers a whole batch; an
/// implementation should cost about the same for one question as for a thousand.
pub trait RepoFacts {
    /// Resolve hexadecimal commit id prefixes (at least 4 digits); one answer per prefix, in
    /// the order given.
    fn resolve_all(&self, id_prefixes: &[&str]) -> Vec<Resolved>;

    /// Answer every ancestry question; one answer per query, in the order given. `None`
    /// means it could not be determined (unborn HEAD, an unknown id, an error).
    fn ancestors(&self, queries: &[AncestryQuery<'_>]) -> Vec<Option<bool>>;

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

    /// Only the entries scope detection reads ([`crate::scope::OUR_ENTRIES`], picked as
    /// [`crate::maintainers::Maintainers::named`] picks them) of MAINTAINERS at HEAD, for an
    /// implementation that can answer without reading the whole file (the git-backed one
    /// keeps them per MAINTAINERS version). `None` (the default): it cannot, and scope takes
    /// them from [`RepoFacts::maintainers_parsed`].
    fn our_entries(&self) -> Option<MaintainersAt<'_>> {
        None
    }

    /// The author of a commit given by its full id, when the repository has it, as the
    /// commit records them (see [`RepoFacts::mailmap`] for who they are now).
    fn commit_author(&self, _id: &str) -> Option<crate::item::Ident> {
        None
    }

    /// When answering [`RepoFacts::ancestors`] read a great many commits one by one because
    /// the repository has no commit-graph: how many (the most of any walk). fixes-commit
    /// then suggests writing one. The default: never.
    fn long_walk(&self) -> Option<usize> {
        None
    }

    /// These files as HEAD's tree has them (the tree the patch applies to, as for
    /// MAINTAINERS), all asked at once: one answer per path, in order, None where HEAD has
    /// no file there or its blob is larger than `max_bytes` (then it is not read). Err when
    /// the repository could not answer. The default: HEAD has none of them.
    fn head_blobs(&self, paths: &[&str], _max_bytes: u64) -> Result<Vec<Option<Vec<u8>>>, String> {
        Ok(vec![None; paths.len()])
    }

    /// `.mailmap` at HEAD, read at most once per process: people's addresses as they are now,
    /// for those they committed under. None when there is none (the default).
    fn mailmap(&self) -> Option<&crate::mailmap::Mailmap> {
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
/// sorts after its candidates. None for any other name. [`release_tag`] parses it.
pub fn release_version(tag: &str) -> Option<(u32, u32, u32)> {
    release_tag(tag).map(|(major, minor, rc)| (major, minor, rc.unwrap_or(u32::MAX)))
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

/// A mainline release tag, `v6.12` or `v6.13-rc1`, as (major, minor, release candidate);
/// the candidate is None for a final release. Anything else (`v2.6.39`, `v6.12.1`,
/// `v6.12-rc`, `v6.12-next`) is not one. The one parser of release tags: the repository
/// lists them with it and merge-window orders them with it.
pub fn release_tag(name: &str) -> Option<(u32, u32, Option<u32>)> {
    let number = |s: &str| {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u32>().ok()
    };
    let rest = name.strip_prefix('v')?;
    let (version, rc) = match rest.split_once("-rc") {
        Some((v, rc)) => (v, Some(number(rc)?)),
        None => (rest, None),
    };
    let (major, minor) = version.split_once('.')?;
    Some((number(major)?, number(minor)?, rc))
}

#[cfg(test)]
mod tests {
    use super::release_tag;

    #[test]
    fn release_tags() {
        assert_eq!(release_tag("v6.12"), Some((6, 12, None)));
        assert_eq!(release_tag("v6.13-rc1"), Some((6, 13, Some(1))));
        assert_eq!(release_tag("v10.0-rc12"), Some((10, 0, Some(12))));
        for bad in [
            "v2.6.39",
            "v6.12-rc",
            "6.12",
            "v6",
            "v6.12-next",
            "v6.12.1",
            "vx.1",
            "v+6.1",
            "v6.1-rc+1",
        ] {
            assert_eq!(release_tag(bad), None, "{bad}");
        }
    }

    #[test]
    fn short_ids_are_12_characters_at_most() {
        use super::short_id;
        assert_eq!(
            short_id("0123456789abcdef0123456789abcdef01234567"),
            "0123456789ab"
        );
        assert_eq!(short_id("abc"), "abc");
        // Not an id, but no panic inside a character either.
        assert_eq!(short_id("ééééééééééééé"), "éééééééééééé");
    }
}
