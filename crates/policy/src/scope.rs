//! Which patches the BPF and netdev rules govern (POLICY.md, "Scope").
//!
//! A kernel checkout is shared by every subsystem its owner works on: a netfilter fix sent
//! from it must not be held to BPF routing rules. Out-of-scope items get the kernel-wide
//! rules only ([`crate::rules::RuleInfo::kernel_wide`]). The decision, first match wins:
//! 1. the subject prefix names one of our trees (or a near miss of one): in scope;
//! 2. it names another subsystem's tree (`nf-next`, `wireless-next`, ...): out of scope;
//! 3. no tree of its own: in scope when it is addressed to bpf@ or netdev@ (or to a
//!    maintainer of the BPF, NETWORKING or XDP entries of MAINTAINERS), or touches their
//!    files; else out of scope when its recipients are known (addressed only to other lists);
//!    else in scope when the repository's target tree is known; else out of scope when the
//!    files it touches are known; else (nothing known) in scope.

use std::cell::OnceCell;

use crate::item::Item;
use crate::maintainers::{Maintainers, Role};
use crate::prefix::PrefixProblem;
use crate::repo::MaintainersAt;
use crate::rules::Context;

/// The lists of the BPF and netdev subsystems.
pub const OUR_LISTS: &[&str] = &["bpf@vger.kernel.org", "netdev@vger.kernel.org"];

/// Where BPF and networking code lives when the repository has no MAINTAINERS to say so.
pub const BUILTIN_FILES: &[&str] = &[
    "kernel/bpf/",
    "net/",
    "include/net/",
    "include/linux/bpf*",
    "include/linux/filter.h",
    "include/uapi/linux/bpf*",
    "tools/lib/bpf/",
    "tools/bpf/",
    "tools/testing/selftests/bpf/",
    "tools/testing/selftests/net/",
    "arch/*/net/",
    "drivers/net/",
];

/// Whether one item is governed by the BPF and netdev rules, and why (for `--verbose`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeDecision {
    /// The BPF and netdev rules apply.
    pub in_scope: bool,
    /// Why, in a few words a user can check.
    pub why: String,
}

impl ScopeDecision {
    fn yes(why: impl Into<String>) -> Self {
        ScopeDecision {
            in_scope: true,
            why: why.into(),
        }
    }
    fn no(why: impl Into<String>) -> Self {
        ScopeDecision {
            in_scope: false,
            why: why.into(),
        }
    }
}

/// The MAINTAINERS entries whose files and people are BPF and networking's: those whose name
/// starts with one of these (`BPF [GENERAL]`, `NETWORKING DRIVERS`, `XDP (eXpress Data Path)`).
pub const OUR_ENTRIES: &[&str] = &["BPF", "NETWORKING", "XDP"];

/// Our entries, as the repository keeps them apart or as picked from the whole file here.
enum Entries<'a> {
    Kept(&'a Maintainers),
    Picked(Maintainers),
}

impl std::ops::Deref for Entries<'_> {
    type Target = Maintainers;
    fn deref(&self) -> &Maintainers {
        match self {
            Entries::Kept(m) => m,
            Entries::Picked(m) => m,
        }
    }
}

/// What scope detection knows of our entries: from the repository's MAINTAINERS, or the
/// built-in list of paths when it has none (or none of our entries).
struct Ours<'a> {
    /// Our entries, matched as get_maintainer.pl matches them.
    entries: Entries<'a>,
    /// Their `M:` and `L:` addresses, lower-cased.
    addresses: Vec<String>,
    /// Where they come from, for `--verbose`.
    whose: String,
}

impl<'a> Ours<'a> {
    /// From the whole of MAINTAINERS.
    #[cfg(test)]
    fn read(maintainers: MaintainersAt<'a>) -> Ours<'a> {
        Ours::from(maintainers, false)
    }

    /// From what the repository says: our entries alone when `named`, else the whole file.
    fn from(maintainers: MaintainersAt<'a>, named: bool) -> Ours<'a> {
        let unreadable = match maintainers {
            MaintainersAt::Parsed(m) => {
                let entries = if named {
                    Entries::Kept(m)
                } else {
                    Entries::Picked(m.named(OUR_ENTRIES))
                };
                if !entries.is_empty() {
                    let addresses = entries
                        .addresses()
                        .filter(|(role, _)| !matches!(role, Role::Reviewer))
                        .map(|(_, a)| a.to_ascii_lowercase())
                        .collect();
                    return Ours {
                        entries,
                        addresses,
                        whose: "a BPF/NETWORKING/XDP entry of MAINTAINERS".to_owned(),
                    };
                }
                None
            }
            MaintainersAt::Absent => None,
            // The recipients rules report it; scope still has the built-in list to go by.
            MaintainersAt::Unreadable(why) => Some(why),
        };
        let mut text = String::from("BPF and networking (built-in)\n");
        for f in BUILTIN_FILES {
            text.push_str("F:\t");
            text.push_str(f);
            text.push('\n');
        }
        Ours {
            entries: Entries::Picked(Maintainers::parse(&text)),
            addresses: Vec::new(),
            whose: match unreadable {
                Some(why) => {
                    format!("the built-in list of BPF and networking paths (MAINTAINERS: {why})")
                }
                None => "the built-in list of BPF and networking paths".to_owned(),
            },
        }
    }
}

/// Decides scope for the items of one check, reading MAINTAINERS at most once.
pub struct Scoper<'a> {
    cx: &'a Context<'a>,
    ours: OnceCell<Ours<'a>>,
}

impl std::fmt::Debug for Scoper<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scoper").field("cx", self.cx).finish()
    }
}

impl<'a> Scoper<'a> {
    /// A scoper for this context.
    pub fn new(cx: &'a Context<'a>) -> Self {
        Scoper {
            cx,
            ours: OnceCell::new(),
        }
    }

    /// Our entries, read from MAINTAINERS on first need: as the repository keeps them
    /// apart when it does (no need to read the whole file), else picked from the whole file.
    fn ours(&self) -> &Ours<'a> {
        self.ours.get_or_init(|| match self.cx.repo {
            None => Ours::from(MaintainersAt::Absent, false),
            Some(r) => match r.our_entries() {
                Some(named) => Ours::from(named, true),
                None => Ours::from(r.maintainers_parsed(), false),
            },
        })
    }

    /// Decide one item on its own (a cover letter is decided like a patch with no files; see
    /// [`Scoper::classify_series`] for letting it follow its series).
    pub fn classify(&self, item: &Item) -> ScopeDecision {
        if let Some(p) = &item.prefix {
            if let Some(t) = p.tree {
                return ScopeDecision::yes(format!("the subject prefix names {t}"));
            }
            let near_miss = p.problems.iter().find_map(|x| match x {
                PrefixProblem::TreeTypo { token, .. } | PrefixProblem::TreeAmbiguous(token) => {
                    Some(token.clone())
                }
                PrefixProblem::SeveralTrees(_) => Some("several trees".to_owned()),
                _ => None,
            });
            if let Some(tok) = near_miss {
                return ScopeDecision::yes(format!(
                    "the subject prefix names '{tok}', a near miss of a BPF/netdev tree"
                ));
            }
            if let Some(other) = p.other.first() {
                return ScopeDecision::no(format!(
                    "the subject prefix names '{other}', another subsystem's tree"
                ));
            }
        }
        if let Some(r) = &item.recipients {
            for (addr, _) in r.all() {
                let lower = addr.to_ascii_lowercase();
                if let Some(list) = OUR_LISTS.iter().find(|l| lower.contains(*l)) {
                    return ScopeDecision::yes(format!("it is addressed to {list}"));
                }
            }
        }
        let files: Vec<&str> = item
            .files
            .iter()
            .flatten()
            .map(|f| f.path.as_str())
            .collect();
        let needs_entries =
            item.recipients.is_some() || (self.cx.tree.is_none() && !files.is_empty());
        if needs_entries {
            let ours = self.ours();
            if let Some(r) = &item.recipients {
                for (addr, _) in r.all() {
                    let lower = addr.to_ascii_lowercase();
                    let bare = crate::item::Ident::parse(&lower).email;
                    if !bare.is_empty() && ours.addresses.contains(&bare) {
                        return ScopeDecision::yes(format!(
                            "it is addressed to {bare}, a maintainer of BPF or networking (MAINTAINERS)"
                        ));
                    }
                }
            }
            if let Some(f) = ours.entries.first_covered(&files) {
                return ScopeDecision::yes(format!("it touches {f}, covered by {}", ours.whose));
            }
            if item.recipients.is_some() {
                return ScopeDecision::no(
                    "no tree in the subject, addressed only to other lists, and it touches no BPF or networking file",
                );
            }
        }
        if let Some((t, source)) = self.cx.tree {
            return ScopeDecision::yes(format!(
                "no tree of its own, and the repository targets {t} (from {source})"
            ));
        }
        if !files.is_empty() {
            return ScopeDecision::no(
                "no tree in the subject or the repository, and it touches no BPF or networking file",
            );
        }
        ScopeDecision::yes(
            "nothing says it belongs to another subsystem (no tree, files or recipients known)",
        )
    }

    /// Decide every item of a series. A cover letter (which touches no files) follows the
    /// patches of its series: in scope when any of them is.
    pub fn classify_series(&self, items: &[Item]) -> Vec<ScopeDecision> {
        let mut out: Vec<ScopeDecision> = items.iter().map(|i| self.classify(i)).collect();
        let patch_in = items
            .iter()
            .zip(&out)
            .filter(|(i, _)| !i.is_cover)
            .map(|(_, d)| d.in_scope)
            .reduce(|a, b| a || b);
        if let Some(any_in) = patch_in {
            for (i, d) in items.iter().zip(out.iter_mut()) {
                let own_tree = i
                    .prefix
                    .as_ref()
                    .is_some_and(|p| p.tree.is_some() || !p.other.is_empty());
                if i.is_cover && !own_tree && d.in_scope != any_in {
                    *d = ScopeDecision {
                        in_scope: any_in,
                        why: format!(
                            "a cover letter follows its series, which is {}",
                            if any_in {
                                "BPF or netdev work"
                            } else {
                                "another subsystem's"
                            }
                        ),
                    };
                }
            }
        }
        out
    }
}

/// Decide whether one item is BPF or netdev work (see the module documentation).
pub fn classify(item: &Item, cx: &Context<'_>) -> ScopeDecision {
    Scoper::new(cx).classify(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether our entries of `text` cover `path`.
    fn ours_cover(text: &str, path: &str) -> bool {
        let m = Maintainers::parse(text);
        Ours::read(MaintainersAt::Parsed(&m))
            .entries
            .first_covered(&[path])
            .is_some()
    }

    #[test]
    fn the_builtin_list_is_matched_as_get_maintainer_matches() {
        let builtin = Ours::read(MaintainersAt::Absent);
        let covered = |p: &str| builtin.entries.first_covered(&[p]).is_some();
        assert!(covered("kernel/bpf/verifier.c"));
        assert!(covered("arch/x86/net/bpf_jit_comp.c"));
        assert!(covered("include/linux/bpf_verifier.h"));
        assert!(!covered("include/linux/bpfx/y.h"));
        assert!(covered("include/linux/filter.h"));
        assert!(covered("net/core/filter.c"));
        assert!(!covered("fs/net/x.c"));
        assert!(!covered("kernel/sched/core.c"));
        assert!(builtin.whose.contains("built-in"));
        let unreadable = Ours::read(MaintainersAt::Unreadable("the object is corrupt"));
        assert!(unreadable.whose.contains("the object is corrupt"));
        assert!(unreadable.entries.first_covered(&["net/x.c"]).is_some());
    }

    /// A repository that keeps our entries apart from the whole file (as the git-backed one
    /// does with its cache): scope goes by the entries kept apart.
    struct KeptApart {
        whole: Maintainers,
        ours: Option<Maintainers>,
    }

    impl crate::repo::RepoFacts for KeptApart {
        fn resolve_all(&self, ids: &[&str]) -> Vec<crate::repo::Resolved> {
            ids.iter()
                .map(|_| crate::repo::Resolved::Missing(String::new()))
                .collect()
        }
        fn ancestors(&self, q: &[crate::repo::AncestryQuery<'_>]) -> Vec<Option<bool>> {
            vec![None; q.len()]
        }
        fn release_tags(&self) -> Vec<String> {
            Vec::new()
        }
        fn maintainers_parsed(&self) -> MaintainersAt<'_> {
            MaintainersAt::Parsed(&self.whole)
        }
        fn our_entries(&self) -> Option<MaintainersAt<'_>> {
            self.ours.as_ref().map(MaintainersAt::Parsed)
        }
    }

    #[test]
    fn entries_kept_apart_are_used_as_they_are() {
        let touching = |path: &str| {
            let mut item = Item::from_message(
                "msg",
                b"ext4: Fix x\n\nBody.\n",
                &crate::message::ParseOptions::default(),
            );
            item.files = Some(vec![crate::item::FileChange::modified(path)]);
            item
        };
        let whole = "BPF [GENERAL]\nF:\tkernel/bpf/\n\nEXT4\nF:\tfs/ext4/\n";
        let decide = |ours: Option<&str>, path: &str| {
            let repo = KeptApart {
                whole: Maintainers::parse(whole),
                ours: ours.map(Maintainers::parse),
            };
            let cx = Context {
                tree: None,
                repo: Some(&repo),
                whole_send: false,
                send: None,
            };
            classify(&touching(path), &cx).in_scope
        };
        // None kept apart: picked from the whole file.
        assert!(decide(None, "kernel/bpf/core.c"));
        assert!(!decide(None, "fs/ext4/inode.c"));
        // Kept apart: those, not the whole file's (which would say otherwise).
        let kept = "BPF [GENERAL]\nF:\tfs/ext4/\n";
        assert!(decide(Some(kept), "fs/ext4/inode.c"));
        assert!(!decide(Some(kept), "kernel/bpf/core.c"));
    }

    #[test]
    fn maintainers_entries_and_exclusions() {
        let text = "\
Maintainers List
----------------

BPF [GENERAL] (Safe Dynamic Programs and Tools)
M:\tAlexei Starovoitov <ast@kernel.org>
R:\tA Reviewer <rev@example.org>
L:\tbpf@vger.kernel.org
F:\tkernel/bpf/
F:\tarch/*/net/*

EXT4 FILE SYSTEM
M:\tTed <tytso@mit.edu>
F:\tfs/ext4/

NETWORKING [GENERAL]
M:\t\"David S. Miller\" <davem@davemloft.net>
L:\tnetdev@vger.kernel.org
F:\tnet/
X:\tnet/bluetooth/
";
        let m = Maintainers::parse(text);
        let e = Ours::read(MaintainersAt::Parsed(&m));
        assert_eq!(e.entries.len(), 2);
        assert!(e.addresses.contains(&"ast@kernel.org".to_owned()));
        assert!(e.addresses.contains(&"davem@davemloft.net".to_owned()));
        assert!(e.addresses.contains(&"bpf@vger.kernel.org".to_owned()));
        assert!(!e.addresses.contains(&"rev@example.org".to_owned()));
        assert!(!e.addresses.contains(&"tytso@mit.edu".to_owned()));
        assert_eq!(
            e.entries
                .first_covered(&["fs/ext4/inode.c", "net/ipv4/tcp.c"]),
            Some("net/ipv4/tcp.c")
        );
        assert!(!ours_cover(text, "net/bluetooth/hci.c"));
        assert!(!ours_cover(text, "fs/ext4/inode.c"));
        assert!(ours_cover(text, "arch/x86/net/bpf_jit_comp.c"));
        assert!(!ours_cover(text, "arch/x86/net/sub/x.c"));
        // No entry of ours: the built-in list.
        let none = Maintainers::parse("EXT4 FILE SYSTEM\nF:\tfs/ext4/\n");
        assert!(
            Ours::read(MaintainersAt::Parsed(&none))
                .whose
                .contains("built-in")
        );
    }
}
