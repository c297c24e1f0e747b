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
use crate::prefix::PrefixProblem;
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

/// One MAINTAINERS entry's file patterns.
#[derive(Debug, Clone, Default)]
struct Entry {
    files: Vec<String>,
    excluded: Vec<String>,
}

/// What MAINTAINERS says about the BPF, NETWORKING and XDP entries.
#[derive(Debug, Clone, Default)]
pub struct OurEntries {
    entries: Vec<Entry>,
    /// Their `M:` and `L:` addresses, lower-cased.
    addresses: Vec<String>,
}

impl OurEntries {
    /// Read the entries whose name starts with "BPF", "NETWORKING" or "XDP" from the text of
    /// a MAINTAINERS file.
    pub fn parse(maintainers: &str) -> OurEntries {
        let mut out = OurEntries::default();
        let mut current: Option<Entry> = None;
        for line in maintainers.lines() {
            let is_field = line.len() > 2
                && line.as_bytes()[1] == b':'
                && line.as_bytes()[0].is_ascii_uppercase();
            if !is_field {
                if let Some(e) = current.take() {
                    out.entries.push(e);
                }
                let name = line.trim();
                if ["BPF", "NETWORKING", "XDP"]
                    .iter()
                    .any(|p| name.starts_with(p))
                {
                    current = Some(Entry::default());
                }
                continue;
            }
            let Some(e) = current.as_mut() else { continue };
            let value = line[2..].trim();
            match &line[..1] {
                "F" => e.files.push(value.to_owned()),
                "X" => e.excluded.push(value.to_owned()),
                "M" | "L" => {
                    let addr = value
                        .rsplit_once('<')
                        .and_then(|(_, r)| r.split_once('>'))
                        .map_or(value, |(a, _)| a)
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    if addr.contains('@') && !out.addresses.contains(&addr) {
                        out.addresses.push(addr);
                    }
                }
                _ => {}
            }
        }
        if let Some(e) = current.take() {
            out.entries.push(e);
        }
        out
    }

    fn builtin() -> OurEntries {
        OurEntries {
            entries: vec![Entry {
                files: BUILTIN_FILES.iter().map(|s| (*s).to_owned()).collect(),
                excluded: Vec::new(),
            }],
            addresses: Vec::new(),
        }
    }

    /// The first of `files` that one of the entries covers.
    fn covered<'f>(&self, files: impl IntoIterator<Item = &'f str>) -> Option<&'f str> {
        files.into_iter().find(|f| {
            self.entries.iter().any(|e| {
                e.files.iter().any(|p| pattern_matches(p, f))
                    && !e.excluded.iter().any(|p| pattern_matches(p, f))
            })
        })
    }
}

/// get_maintainer.pl's `F:`/`X:` matching: a pattern ending in `/` covers everything below
/// it; otherwise `*` and `?` are wildcards, the pattern matches a prefix of the path, and the
/// path must have as many `/` as the pattern (so `arch/*/net/*` covers files directly in
/// `arch/x86/net/`).
pub fn pattern_matches(pattern: &str, path: &str) -> bool {
    if !glob_prefix(pattern.as_bytes(), path.as_bytes()) {
        return false;
    }
    pattern.ends_with('/')
        || pattern.bytes().filter(|&b| b == b'/').count()
            == path.bytes().filter(|&b| b == b'/').count()
}

/// Whether `pat` (with `*` any run of bytes and `?` one byte) matches a prefix of `s`.
fn glob_prefix(pat: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p == pat.len() {
            return true; // a prefix of s matched
        }
        match pat[p] {
            b'*' => {
                star = Some((p, i));
                p += 1;
                continue;
            }
            c if i < s.len() && (c == b'?' || c == s[i]) => {
                p += 1;
                i += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, si)) if si < s.len() => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            _ => return false,
        }
    }
}

/// Decides scope for the items of one check, reading MAINTAINERS at most once.
pub struct Scoper<'a> {
    cx: &'a Context<'a>,
    entries: OnceCell<(OurEntries, bool)>,
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
            entries: OnceCell::new(),
        }
    }

    /// The entries and whether they come from the repository's MAINTAINERS.
    fn entries(&self) -> &(OurEntries, bool) {
        self.entries
            .get_or_init(|| match self.cx.repo.and_then(|r| r.maintainers()) {
                Some(text) => {
                    let e = OurEntries::parse(text);
                    if e.entries.is_empty() {
                        (OurEntries::builtin(), false)
                    } else {
                        (e, true)
                    }
                }
                None => (OurEntries::builtin(), false),
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
            let (entries, from_maintainers) = self.entries();
            if let Some(r) = &item.recipients {
                for (addr, _) in r.all() {
                    let lower = addr.to_ascii_lowercase();
                    let bare = crate::item::Ident::parse(&lower).email;
                    if !bare.is_empty() && entries.addresses.contains(&bare) {
                        return ScopeDecision::yes(format!(
                            "it is addressed to {bare}, a maintainer of BPF or networking (MAINTAINERS)"
                        ));
                    }
                }
            }
            if let Some(f) = entries.covered(files.iter().copied()) {
                let whose = if *from_maintainers {
                    "a BPF/NETWORKING/XDP entry of MAINTAINERS"
                } else {
                    "the built-in list of BPF and networking paths"
                };
                return ScopeDecision::yes(format!("it touches {f}, covered by {whose}"));
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

    #[test]
    fn patterns_follow_get_maintainer() {
        assert!(pattern_matches("kernel/bpf/", "kernel/bpf/verifier.c"));
        assert!(pattern_matches(
            "arch/*/net/",
            "arch/x86/net/bpf_jit_comp.c"
        ));
        assert!(pattern_matches(
            "arch/*/net/*",
            "arch/x86/net/bpf_jit_comp.c"
        ));
        assert!(!pattern_matches("arch/*/net/*", "arch/x86/net/sub/x.c"));
        assert!(pattern_matches(
            "include/linux/bpf*",
            "include/linux/bpf_verifier.h"
        ));
        assert!(!pattern_matches(
            "include/linux/bpf*",
            "include/linux/bpfx/y.h"
        ));
        assert!(pattern_matches("net/core/filter.c", "net/core/filter.c"));
        assert!(!pattern_matches("net/", "fs/net/x.c"));
        assert!(!pattern_matches("kernel/bpf/", "kernel/sched/core.c"));
    }

    #[test]
    fn maintainers_entries_and_exclusions() {
        let text = "\
Maintainers List
----------------

BPF [GENERAL] (Safe Dynamic Programs and Tools)
M:\tAlexei Starovoitov <ast@kernel.org>
L:\tbpf@vger.kernel.org
F:\tkernel/bpf/

EXT4 FILE SYSTEM
M:\tTed <tytso@mit.edu>
F:\tfs/ext4/

NETWORKING [GENERAL]
M:\t\"David S. Miller\" <davem@davemloft.net>
L:\tnetdev@vger.kernel.org
F:\tnet/
X:\tnet/bluetooth/
";
        let e = OurEntries::parse(text);
        assert_eq!(e.entries.len(), 2);
        assert!(e.addresses.contains(&"ast@kernel.org".to_owned()));
        assert!(e.addresses.contains(&"davem@davemloft.net".to_owned()));
        assert!(!e.addresses.contains(&"tytso@mit.edu".to_owned()));
        assert_eq!(
            e.covered(["fs/ext4/inode.c", "net/ipv4/tcp.c"]),
            Some("net/ipv4/tcp.c")
        );
        assert_eq!(e.covered(["net/bluetooth/hci.c"]), None);
        assert_eq!(e.covered(["fs/ext4/inode.c"]), None);
    }
}
