//! Subject prefixes: `[PATCH bpf-next v2 03/12]`, `[RFC PATCH bpf]`, `[PATCH iproute2 net-next]`.
//!
//! One or more leading bracket groups; inside, tokens separated by blanks or commas, in any
//! order. Tokens that are not understood are kept so rules can say what looks wrong.

use crate::tree::Tree;

/// Something in the prefix that a rule should report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefixProblem {
    /// A token that looks like a tree but is not one; `suggestion` is the closest tree.
    TreeTypo {
        /// The token as written.
        token: String,
        /// The tree it probably means.
        suggestion: Tree,
    },
    /// A token that names two trees at once (`bpf-next/net`).
    TreeAmbiguous(String),
    /// More than one tree token (`[PATCH bpf bpf-next]`).
    SeveralTrees(Vec<Tree>),
    /// A malformed revision (`V2`, `v 2`, `ver2`, `v0`, `-v2`).
    BadVersion(String),
    /// A revision outside the group that holds `PATCH` (`[PATCH bpf-next] [v2]`, `v2: ...`).
    VersionOutside(String),
    /// A counter that cannot be right (`4/3`, `1/0`).
    BadCounter(String),
}

/// A parsed subject prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectPrefix {
    /// The bracket groups' inner text, in order.
    pub groups: Vec<String>,
    /// `PATCH` is present.
    pub patch: bool,
    /// `RFC` is present.
    pub rfc: bool,
    /// `RESEND` is present.
    pub resend: bool,
    /// The target tree, when exactly one was named.
    pub tree: Option<Tree>,
    /// The revision `vN`.
    pub version: Option<u32>,
    /// The counter `n/m`.
    pub counter: Option<(u32, u32)>,
    /// Tokens that name no BPF or netdev tree and are no near miss of one: another
    /// subsystem's tree (`nf-next`, `wireless-next`, `for-next`) or other words. A prefix
    /// with such a token and no tree of ours is another subsystem's patch (POLICY.md, Scope).
    pub other: Vec<String>,
    /// What looks wrong.
    pub problems: Vec<PrefixProblem>,
}

impl SubjectPrefix {
    /// The revision, counting an unversioned posting as 1.
    pub fn revision(&self) -> u32 {
        self.version.unwrap_or(1)
    }

    /// `n` of `n/m`, when numbered.
    pub fn number(&self) -> Option<u32> {
        self.counter.map(|c| c.0)
    }

    /// `m` of `n/m`, when numbered.
    pub fn total(&self) -> Option<u32> {
        self.counter.map(|c| c.1)
    }
}

/// Split a subject into its prefix (if it has bracket groups) and the summary after them.
pub fn parse_subject(subject: &str) -> (Option<SubjectPrefix>, &str) {
    let mut rest = subject.trim_start();
    let mut groups = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else { break };
        groups.push(inner[..close].to_owned());
        rest = inner[close + 1..].trim_start();
    }
    if groups.is_empty() {
        return (None, subject.trim());
    }
    let mut p = parse_groups(&groups);
    // "v2: libbpf: ..." or "V2 - ..." right after the brackets.
    let lead: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if version_token(&lead).is_some() && rest[lead.len()..].starts_with([':', ' ']) {
        p.problems.push(PrefixProblem::VersionOutside(lead));
    }
    p.groups = groups;
    (Some(p), rest)
}

/// The tree named by a prefix text such as `PATCH bpf-next` (format.subjectPrefix, b4's
/// `prefixes`), if it names exactly one.
pub fn tree_from_prefix_text(text: &str) -> Option<Tree> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    parse_groups(&[inner.to_owned()]).tree
}

fn tokens(group: &str) -> Vec<&str> {
    group
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_groups(groups: &[String]) -> SubjectPrefix {
    let mut p = SubjectPrefix::default();
    let mut trees: Vec<Tree> = Vec::new();
    // The group a revision belongs in: the one holding PATCH (`[RFC][PATCH v2]`), else the
    // one holding RFC (`[RFC v2]`).
    let holding = |word: &str| {
        groups
            .iter()
            .position(|g| tokens(g).iter().any(|t| t.eq_ignore_ascii_case(word)))
    };
    let patch_group = holding("PATCH").or_else(|| holding("RFC"));
    for (gi, group) in groups.iter().enumerate() {
        let toks = tokens(group);
        let mut i = 0;
        while i < toks.len() {
            let tok = toks[i];
            let next = toks.get(i + 1).copied();
            i += 1;
            if tok.eq_ignore_ascii_case("PATCH") || tok.eq_ignore_ascii_case("PATCHv") {
                p.patch = true;
                continue;
            }
            if tok.eq_ignore_ascii_case("RFC") {
                p.rfc = true;
                continue;
            }
            // `PATCHv5`, `RFCv2`: the word and the revision run together, as real postings
            // write them.
            if let Some((word, n)) = glued_version(tok) {
                if word == "PATCH" {
                    p.patch = true;
                } else {
                    p.rfc = true;
                }
                if patch_group.is_none_or(|pg| pg == gi) {
                    p.version = Some(n);
                } else {
                    p.problems
                        .push(PrefixProblem::VersionOutside(tok.to_owned()));
                }
                continue;
            }
            if tok.eq_ignore_ascii_case("RESEND") {
                p.resend = true;
                continue;
            }
            if tok == "iproute2" {
                match next {
                    Some("master") | Some("main") => {
                        trees.push(Tree::Iproute2);
                        i += 1;
                    }
                    Some("net-next") | Some("next") => {
                        trees.push(Tree::Iproute2Next);
                        i += 1;
                    }
                    _ => trees.push(Tree::Iproute2),
                }
                continue;
            }
            if let Ok(t) = tok.parse::<Tree>()
                && !tok.contains(' ')
            {
                trees.push(t);
                continue;
            }
            if let Some(v) = version_token(tok) {
                match v {
                    Ok(n) if patch_group.is_none_or(|pg| pg == gi) => p.version = Some(n),
                    Ok(_) => p
                        .problems
                        .push(PrefixProblem::VersionOutside(tok.to_owned())),
                    Err(()) => p.problems.push(PrefixProblem::BadVersion(tok.to_owned())),
                }
                continue;
            }
            // "v 2": a lone v followed by a number.
            if tok.eq_ignore_ascii_case("v") && next.is_some_and(|n| n.parse::<u32>().is_ok()) {
                p.problems.push(PrefixProblem::BadVersion(format!(
                    "{tok} {}",
                    next.unwrap_or("")
                )));
                i += 1;
                continue;
            }
            if let Some((n, m)) = tok.split_once('/')
                && let (Ok(n), Ok(m)) = (n.parse::<u32>(), m.parse::<u32>())
            {
                if n <= m && m > 0 {
                    p.counter = Some((n, m));
                } else {
                    p.problems.push(PrefixProblem::BadCounter(tok.to_owned()));
                }
                continue;
            }
            if tok.contains('/') {
                let parts: Vec<_> = tok.split('/').collect();
                if parts.len() == 2 && parts.iter().all(|t| t.parse::<Tree>().is_ok()) {
                    p.problems
                        .push(PrefixProblem::TreeAmbiguous(tok.to_owned()));
                    continue;
                }
            }
            if let Some(t) = tree_typo(tok) {
                p.problems.push(PrefixProblem::TreeTypo {
                    token: tok.to_owned(),
                    suggestion: t,
                });
                continue;
            }
            p.other.push(tok.to_owned());
        }
    }
    trees.dedup();
    match trees.len() {
        0 => {}
        1 => p.tree = trees.first().copied(),
        _ => p.problems.push(PrefixProblem::SeveralTrees(trees)),
    }
    p
}

/// `PATCHv5` -> ("PATCH", 5), `RFCv2` -> ("RFC", 2), any case of the word.
fn glued_version(tok: &str) -> Option<(&'static str, u32)> {
    for word in ["PATCH", "RFC"] {
        let Some(head) = tok.get(..word.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(word) {
            continue;
        }
        let rest = &tok[word.len()..];
        if let Some(d) = rest.strip_prefix('v')
            && !d.is_empty()
            && d.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = d.parse::<u32>()
            && n >= 1
        {
            return Some((word, n));
        }
    }
    None
}

/// `Some(Ok(n))` for a well-formed `vN`, `Some(Err)` for a token that tries to be a revision
/// and is malformed, `None` for anything else.
fn version_token(tok: &str) -> Option<Result<u32, ()>> {
    if let Some(d) = tok.strip_prefix('v')
        && !d.is_empty()
        && d.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(match d.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(()),
        });
    }
    let lower = tok.to_ascii_lowercase();
    let stripped = lower.trim_start_matches('-');
    for head in ["version", "ver", "rev", "v"] {
        if let Some(d) = stripped.strip_prefix(head)
            && !d.is_empty()
            && d.trim_start_matches(['.', '-'])
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.')
            && d.bytes().any(|b| b.is_ascii_digit())
        {
            return Some(Err(()));
        }
    }
    None
}

/// Suffixes that subsystems put after their name to form a tree name (`nf-next`,
/// `mptcp-net`, `wireless-fixes`).
const TREE_SUFFIXES: &[&str] = &["next", "net", "fixes", "rc", "current", "testing"];

/// Stems that spell one of our trees' families, in any case.
const OUR_STEMS: &[&str] = &["bpf", "net", "iproute2", "iproute"];

/// Whether a token is another subsystem's tree name formed as `<name>-next` (`nf-next`,
/// `mptcp-next`, `wireless-next`, `-next`, `for-next`): its name is a word of its own, not
/// ours misspelt. Tokens such as `bfp-next` (one edit from `bpf`) stay typos.
fn other_subsystem_tree(lower: &str) -> bool {
    let Some((stem, suffix)) = lower.rsplit_once('-') else {
        return false;
    };
    if !TREE_SUFFIXES.contains(&suffix) {
        return false;
    }
    if OUR_STEMS.contains(&stem) {
        return false;
    }
    // A stem one edit from "bpf" or "net" (bfp, npf, nte) is our tree misspelt; shorter
    // or different stems (nf, can, mptcp, wireless, for, ipsec) name other trees.
    !(stem.len() == 3 && ["bpf", "net"].iter().any(|o| edit_distance(stem, o) == 1))
}

/// The tree a near-miss token means: wrong case, `_` or no separator, a missing letter.
fn tree_typo(tok: &str) -> Option<Tree> {
    let lower = tok.to_ascii_lowercase();
    if let Ok(t) = lower.parse::<Tree>() {
        return Some(t);
    }
    if other_subsystem_tree(&lower) {
        return None;
    }
    let squashed: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if squashed == "next" || squashed == "bpfnet" {
        return Some(Tree::BpfNext);
    }
    let mut best: Option<(usize, Tree)> = None;
    for t in Tree::ALL {
        let name: String = t
            .name()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let limit = if name.len() >= 6 { 2 } else { 1 };
        // No closer than their difference in length: a huge token is no typo of a tree name,
        // and comparing it letter by letter would cost its length times the name's.
        if squashed.len().abs_diff(name.len()) > limit {
            continue;
        }
        let d = edit_distance(&squashed, &name);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, t));
        }
    }
    // Short tokens within one edit of "bpf"/"net" are too often something else ("bp", "ne").
    best.filter(|(d, _)| *d == 0 || squashed.len() >= 5)
        .map(|(_, t)| t)
}

/// Levenshtein distance with adjacent transpositions, for short ASCII tokens.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> SubjectPrefix {
        parse_subject(s).0.unwrap_or_default()
    }

    #[test]
    fn policy_examples_parse() {
        let x = p("[PATCH bpf] bpf: x");
        assert_eq!(
            (x.patch, x.tree, x.version, x.counter),
            (true, Some(Tree::Bpf), None, None)
        );
        let x = p("[PATCH bpf-next v2 03/12] x: y");
        assert_eq!(
            (x.tree, x.version, x.counter),
            (Some(Tree::BpfNext), Some(2), Some((3, 12)))
        );
        let x = p("[PATCH v3 bpf-next 1/3] x: y");
        assert_eq!(
            (x.tree, x.version, x.counter),
            (Some(Tree::BpfNext), Some(3), Some((1, 3)))
        );
        let x = p("[RFC PATCH bpf-next] x: y");
        assert!(x.rfc && x.patch && x.tree == Some(Tree::BpfNext));
        let x = p("[PATCH RESEND net] x: y");
        assert!(x.resend && x.tree == Some(Tree::Net));
        let x = p("[PATCH bpf-next,v2] x: y");
        assert_eq!((x.tree, x.version), (Some(Tree::BpfNext), Some(2)));
        assert_eq!(
            p("[PATCH iproute2 net-next] x").tree,
            Some(Tree::Iproute2Next)
        );
        assert_eq!(p("[PATCH iproute2 master] x").tree, Some(Tree::Iproute2));
        let x = p("[PATCH iproute2-next v2] x");
        assert_eq!((x.tree, x.version), (Some(Tree::Iproute2Next), Some(2)));
        for x in [
            "[PATCH bpf] bpf: x",
            "[PATCH bpf-next v2 03/12] x: y",
            "[PATCH v3 bpf-next 1/3] x: y",
            "[RFC PATCH bpf-next] x: y",
            "[PATCH RESEND net] x: y",
            "[PATCH bpf-next,v2] x: y",
            "[PATCH iproute2 net-next] x",
            "[PATCH iproute2-next v2] x",
        ] {
            assert!(p(x).problems.is_empty(), "{x}: {:?}", p(x).problems);
        }
    }

    #[test]
    fn summary_and_zero_padding() {
        let (pre, rest) = parse_subject("[PATCH bpf-next v2 00/12] Cover");
        assert_eq!(rest, "Cover");
        assert_eq!(pre.and_then(|x| x.counter), Some((0, 12)));
        let (pre, rest) = parse_subject("bpf: no prefix");
        assert!(pre.is_none());
        assert_eq!(rest, "bpf: no prefix");
        let (pre, rest) = parse_subject("[RFC][PATCH net] two groups");
        assert_eq!(pre.map(|x| (x.rfc, x.tree)), Some((true, Some(Tree::Net))));
        assert_eq!(rest, "two groups");
    }

    #[test]
    fn tree_typos_name_the_closest_tree() {
        for (tok, want) in [
            ("bpf_next", Tree::BpfNext),
            ("bpfnext", Tree::BpfNext),
            ("next", Tree::BpfNext),
            ("bpf-net", Tree::BpfNext),
            ("BPF-NEXT", Tree::BpfNext),
            ("netnext", Tree::NetNext),
            ("BPF", Tree::Bpf),
        ] {
            let x = p(&format!("[PATCH {tok}] x: y"));
            assert_eq!(
                x.problems,
                vec![PrefixProblem::TreeTypo {
                    token: tok.into(),
                    suggestion: want
                }],
                "{tok}"
            );
            assert_eq!(x.tree, None);
        }
        let x = p("[PATCH bpf/net] x: y");
        assert_eq!(
            x.problems,
            vec![PrefixProblem::TreeAmbiguous("bpf/net".into())]
        );
    }

    #[test]
    fn other_subsystems_trees_are_no_typos() {
        for tok in [
            "nf",
            "nf-next",
            "ipsec",
            "ipsec-next",
            "wireless",
            "wireless-next",
            "mptcp-net",
            "mptcp-next",
            "can",
            "can-next",
            "bluetooth",
            "bluetooth-next",
            "rdma-next",
            "for-next",
            "-next",
        ] {
            let x = p(&format!("[PATCH {tok}] x: y"));
            assert_eq!(x.problems, vec![], "{tok}");
            assert_eq!(
                (x.tree, x.other.clone()),
                (None, vec![tok.to_owned()]),
                "{tok}"
            );
        }
        // Ours misspelt stay typos.
        for (tok, want) in [("bfp-next", Tree::BpfNext), ("nte-next", Tree::NetNext)] {
            assert_eq!(
                p(&format!("[PATCH {tok}] x")).problems,
                vec![PrefixProblem::TreeTypo {
                    token: tok.into(),
                    suggestion: want
                }]
            );
        }
    }

    #[test]
    fn forms_of_real_postings() {
        let x = p("[PATCH v8 bpf-next/net 2/6] x: y");
        assert_eq!(
            (x.tree, x.version, x.counter, x.problems.clone()),
            (Some(Tree::BpfNextNet), Some(8), Some((2, 6)), vec![])
        );
        let x = p("[PATCH bpf-next/net] x: y");
        assert_eq!(
            (x.tree, x.problems.clone()),
            (Some(Tree::BpfNextNet), vec![])
        );
        let x = p("[PATCHv5 bpf-next 1/9] x: y");
        assert_eq!(
            (x.patch, x.tree, x.version, x.counter, x.problems.clone()),
            (true, Some(Tree::BpfNext), Some(5), Some((1, 9)), vec![])
        );
        let x = p("[PATCH RESEND bpf v2 0/2] x: y");
        assert_eq!(
            (x.resend, x.tree, x.version, x.counter, x.problems.clone()),
            (true, Some(Tree::Bpf), Some(2), Some((0, 2)), vec![])
        );
        let x = p("[PATCH bpf RESEND] x: y");
        assert_eq!(
            (x.resend, x.tree, x.problems.clone()),
            (true, Some(Tree::Bpf), vec![])
        );
        let x = p("[PATCH v4 00/14] x: y");
        assert_eq!(
            (x.version, x.counter, x.problems.clone()),
            (Some(4), Some((0, 14)), vec![])
        );
        let x = p("[PATCH bpf-next 1/1] x: y");
        assert_eq!((x.counter, x.problems.clone()), (Some((1, 1)), vec![]));
        let x = p("[RFC PATCH v4 3/8] x: y");
        assert_eq!(
            (
                x.rfc,
                x.version,
                x.counter,
                x.problems.clone(),
                x.other.clone()
            ),
            (true, Some(4), Some((3, 8)), vec![], vec![])
        );
        let x = p("[PATCH RFC bpf-next] x: y");
        assert_eq!(
            (x.rfc, x.tree, x.problems.clone()),
            (true, Some(Tree::BpfNext), vec![])
        );
    }

    #[test]
    fn bad_versions() {
        for s in [
            "[PATCH bpf V2] x",
            "[PATCH bpf v 2] x",
            "[PATCH bpf ver2] x",
            "[PATCH bpf v0] x",
            "[PATCH bpf -v2] x",
        ] {
            let x = p(s);
            assert!(
                matches!(x.problems.as_slice(), [PrefixProblem::BadVersion(_)]),
                "{s}: {:?}",
                x.problems
            );
        }
        let x = p("[PATCH bpf-next] [v2] x: y");
        assert!(matches!(
            x.problems.as_slice(),
            [PrefixProblem::VersionOutside(_)]
        ));
        let x = p("[PATCH bpf-next] v2: x: y");
        assert!(matches!(
            x.problems.as_slice(),
            [PrefixProblem::VersionOutside(_)]
        ));
        let x = p("[PATCH bpf-next 4/3] x: y");
        assert!(matches!(
            x.problems.as_slice(),
            [PrefixProblem::BadCounter(_)]
        ));
    }

    #[test]
    fn several_trees_and_prefix_text() {
        let x = p("[PATCH bpf bpf-next] x");
        assert!(matches!(
            x.problems.as_slice(),
            [PrefixProblem::SeveralTrees(_)]
        ));
        assert_eq!(tree_from_prefix_text("PATCH bpf-next"), Some(Tree::BpfNext));
        assert_eq!(
            tree_from_prefix_text("PATCH iproute2 net-next"),
            Some(Tree::Iproute2Next)
        );
        assert_eq!(tree_from_prefix_text("PATCH"), None);
    }

    #[test]
    fn unrelated_tokens_are_kept_quietly() {
        let x = p("[PATCH for-6.13 bpf] x");
        assert!(x.problems.is_empty());
        assert_eq!(x.other, vec!["for-6.13".to_owned()]);
        assert_eq!(edit_distance("bpfnext", "bpfnxet"), 1);
    }

    #[test]
    fn huge_tokens_are_no_tree_typos() {
        assert_eq!(tree_typo(&"bpf-next".repeat(130_000)), None);
        assert_eq!(tree_typo("bpf-nxet"), Some(Tree::BpfNext));
        assert_eq!(tree_typo("iproute2-nex"), Some(Tree::Iproute2Next));
    }

    #[test]
    fn version_beside_patch_in_a_separate_rfc_group() {
        // Found by the prefix round-trip property: the RFC group was taken for the PATCH
        // group, so the version beside PATCH was reported as outside it.
        let x = p("[RFC][PATCH bpf-next v2 1/2] x: y");
        assert_eq!(x.problems, vec![]);
        assert_eq!((x.rfc, x.patch, x.version), (true, true, Some(2)));
        let x = p("[RFC v3][PATCH bpf-next] x: y");
        assert!(matches!(
            x.problems.as_slice(),
            [PrefixProblem::VersionOutside(_)]
        ));
        assert_eq!(p("[RFC bpf-next v2] x: y").version, Some(2));
    }
}
