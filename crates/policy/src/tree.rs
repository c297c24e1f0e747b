//! Target trees of the BPF and networking subsystems.

use std::fmt;
use std::str::FromStr;

/// A tree a patch can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tree {
    /// bpf.git: fixes.
    Bpf,
    /// bpf-next.git: features.
    BpfNext,
    /// net.git: fixes.
    Net,
    /// net-next.git: features.
    NetNext,
    /// bpf-next's networking branch (`bpf-next/net`), pulled into net-next: features, sent to
    /// both bpf@ and netdev@.
    BpfNextNet,
    /// iproute2, master branch: current work (fixes, and features whose kernel side is
    /// already in net or mainline). Not fixes-only.
    Iproute2,
    /// iproute2, net-next branch (also spelt `iproute2-next`): features.
    Iproute2Next,
}

/// What kind of change a tree takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeKind {
    /// The tree only takes fixes; every patch needs a `Fixes:` tag.
    Fixes,
    /// The tree takes features, cleanups and other "next" content.
    Features,
    /// The tree takes what applies to the current release: fixes, and features whose
    /// dependencies are already released (iproute2 master). `Fixes:` is advised, not required.
    Current,
}

/// A valid tree name was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown tree '{0}': expected one of bpf, bpf-next, net, net-next, bpf-next/net, iproute2, iproute2-next"
)]
pub struct UnknownTree(pub String);

impl Tree {
    /// Every tree, in the order documentation lists them.
    pub const ALL: [Tree; 7] = [
        Tree::Bpf,
        Tree::BpfNext,
        Tree::Net,
        Tree::NetNext,
        Tree::BpfNextNet,
        Tree::Iproute2,
        Tree::Iproute2Next,
    ];

    /// The canonical name, as used in config and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Tree::Bpf => "bpf",
            Tree::BpfNext => "bpf-next",
            Tree::Net => "net",
            Tree::NetNext => "net-next",
            Tree::BpfNextNet => "bpf-next/net",
            Tree::Iproute2 => "iproute2",
            Tree::Iproute2Next => "iproute2-next",
        }
    }

    /// Fixes, features or current.
    pub fn kind(self) -> TreeKind {
        match self {
            Tree::Bpf | Tree::Net => TreeKind::Fixes,
            Tree::BpfNext | Tree::NetNext | Tree::BpfNextNet | Tree::Iproute2Next => {
                TreeKind::Features
            }
            Tree::Iproute2 => TreeKind::Current,
        }
    }

    /// A tree the BPF maintainers run (bpf, bpf-next and bpf-next's networking branch): the
    /// BPF-only rules (no `Cc: stable`, a cover letter from two patches) apply to it.
    pub fn is_bpf(self) -> bool {
        matches!(self, Tree::Bpf | Tree::BpfNext | Tree::BpfNextNet)
    }

    /// From how many patches a series for this tree needs a cover letter: BPF trees from two
    /// (">1 patch"), netdev's own trees from three (NIPA's series_format accepts two without).
    pub fn cover_letter_from(self) -> usize {
        if self.is_bpf() { 2 } else { 3 }
    }

    /// The mailing list patches for this tree must reach (the first of [`Tree::lists`]).
    pub fn list(self) -> &'static str {
        self.lists()[0]
    }

    /// Every mailing list patches for this tree must reach.
    pub fn lists(self) -> &'static [&'static str] {
        match self {
            Tree::Bpf | Tree::BpfNext => &["bpf@vger.kernel.org"],
            Tree::BpfNextNet => &["bpf@vger.kernel.org", "netdev@vger.kernel.org"],
            _ => &["netdev@vger.kernel.org"],
        }
    }

    /// The subject prefix a patch for this tree carries (without a version or counter).
    pub fn subject_prefix(self) -> &'static str {
        match self {
            Tree::Bpf => "PATCH bpf",
            Tree::BpfNext => "PATCH bpf-next",
            Tree::Net => "PATCH net",
            Tree::NetNext => "PATCH net-next",
            Tree::BpfNextNet => "PATCH bpf-next/net",
            Tree::Iproute2 => "PATCH iproute2 master",
            Tree::Iproute2Next => "PATCH iproute2 net-next",
        }
    }

    /// The tree of the other kind in the same family (bpf <-> bpf-next, ...).
    pub fn counterpart(self) -> Tree {
        match self {
            Tree::Bpf => Tree::BpfNext,
            Tree::BpfNext => Tree::Bpf,
            Tree::Net => Tree::NetNext,
            Tree::NetNext => Tree::Net,
            Tree::BpfNextNet => Tree::Bpf,
            Tree::Iproute2 => Tree::Iproute2Next,
            Tree::Iproute2Next => Tree::Iproute2,
        }
    }

    /// Whether a patch labelled `self` is acceptable where `other` is expected: the policy
    /// allows net/net-next in place of bpf/bpf-next when unsure, as long as the kind matches.
    pub fn compatible_with(self, other: Tree) -> bool {
        self == other
            || (self.kind() == other.kind()
                && matches!(
                    (self, other),
                    (Tree::Net, Tree::Bpf)
                        | (Tree::Bpf, Tree::Net)
                        | (Tree::NetNext, Tree::BpfNext)
                        | (Tree::BpfNext, Tree::NetNext)
                        | (Tree::BpfNextNet, Tree::BpfNext)
                        | (Tree::BpfNext, Tree::BpfNextNet)
                        | (Tree::BpfNextNet, Tree::NetNext)
                        | (Tree::NetNext, Tree::BpfNextNet)
                ))
    }
}

impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Tree {
    type Err = UnknownTree;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "bpf" => Ok(Tree::Bpf),
            "bpf-next" => Ok(Tree::BpfNext),
            "net" => Ok(Tree::Net),
            "net-next" => Ok(Tree::NetNext),
            "bpf-next/net" => Ok(Tree::BpfNextNet),
            "iproute2" | "iproute2-master" | "iproute2 master" => Ok(Tree::Iproute2),
            "iproute2-next" | "iproute2 net-next" => Ok(Tree::Iproute2Next),
            other => Err(UnknownTree(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in Tree::ALL {
            assert_eq!(t.name().parse::<Tree>(), Ok(t));
        }
        assert_eq!("iproute2 net-next".parse::<Tree>(), Ok(Tree::Iproute2Next));
        assert!("bpf_next".parse::<Tree>().is_err());
    }

    #[test]
    fn kinds_and_lists() {
        assert_eq!(Tree::Bpf.kind(), TreeKind::Fixes);
        assert_eq!(Tree::Iproute2.kind(), TreeKind::Current);
        assert_eq!(Tree::BpfNextNet.kind(), TreeKind::Features);
        assert_eq!(
            Tree::BpfNextNet.lists(),
            ["bpf@vger.kernel.org", "netdev@vger.kernel.org"]
        );
        assert_eq!(
            (Tree::Bpf.cover_letter_from(), Tree::Net.cover_letter_from()),
            (2, 3)
        );
        assert_eq!(Tree::Iproute2Next.kind(), TreeKind::Features);
        assert_eq!(Tree::BpfNext.list(), "bpf@vger.kernel.org");
        assert_eq!(Tree::Iproute2.list(), "netdev@vger.kernel.org");
        assert!(Tree::Net.compatible_with(Tree::Bpf));
        assert!(!Tree::NetNext.compatible_with(Tree::Bpf));
    }
}

/// Where the target tree came from, so users can see why a tree-dependent rule fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeSource {
    /// `--tree` on the command line (or the hook's environment).
    Explicit,
    /// git config `bpf-policy.tree`, at the scope git found it.
    Config,
    /// b4's tracking data for the current branch (its `prefixes`).
    B4Tracking,
    /// git config `format.subjectPrefix`.
    FormatSubjectPrefix,
    /// The upstream remote: its name and URL.
    Remote {
        /// Remote name, such as `origin`.
        name: String,
        /// Its fetch URL.
        url: String,
    },
    /// The name of the current branch or of its upstream branch.
    Branch(String),
}

impl fmt::Display for TreeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeSource::Explicit => f.write_str("--tree"),
            TreeSource::Config => f.write_str("git config bpf-policy.tree"),
            TreeSource::B4Tracking => f.write_str("b4 tracking data of the branch"),
            TreeSource::FormatSubjectPrefix => f.write_str("git config format.subjectPrefix"),
            TreeSource::Remote { name, url } => write!(f, "remote '{name}' ({url})"),
            TreeSource::Branch(b) => write!(f, "branch '{b}'"),
        }
    }
}
