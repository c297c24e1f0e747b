//! Subject rules: the `[PATCH <tree> vN m/n]` prefix names a real tree and a well-formed
//! revision, and the summary starts with a subsystem prefix.

use super::{Check, PROCESS, Q_TREE, Rule, RuleId};
use super::{Context, Out, TreeFrom};
use crate::item::{Item, ItemKind};
use crate::prefix::PrefixProblem;
use crate::tree::{Tree, TreeKind};

fn suggest_prefix(cx: &Context<'_>, item: &Item) -> String {
    let (version, counter) = item
        .prefix
        .as_ref()
        .map_or((None, None), |p| (p.version, p.counter));
    let extra = version.map(|v| format!(" v{v}")).unwrap_or_default();
    let counter = counter
        .map(|(n, m)| format!(" {n}/{m}"))
        .unwrap_or_default();
    // b4 writes the prefix from its own tracking data; --subject-prefix would be ignored.
    if cx.repo.is_some_and(|r| r.b4_branch()) {
        return match cx.tree.map(|t| t.0) {
            Some(t) => format!(
                "this branch is managed by b4 and the repository targets {t}: b4 prep --set-prefixes {t}"
            ),
            None => {
                "this branch is managed by b4: fixes: b4 prep --set-prefixes bpf; features and \
                     cleanups: b4 prep --set-prefixes bpf-next"
                    .to_owned()
            }
        };
    }
    match cx.tree.map(|t| t.0) {
        Some(t) => format!(
            "this repository targets {t}: git format-patch --subject-prefix='{}{extra}' gives [{}{extra}{counter}]",
            t.subject_prefix(),
            t.subject_prefix()
        ),
        None => format!(
            "fixes: git format-patch --subject-prefix='PATCH bpf{extra}'; features and cleanups: \
             --subject-prefix='PATCH bpf-next{extra}' (set `git config bpf-policy.tree` to have this checked)"
        ),
    }
}

/// subject-tree: its definition (documentation and default severity) and check.
pub(super) static SUBJECT_TREE: Rule = rule!(RuleId::SubjectTree, Error, Check::Item(subject_tree), repo: false,
    section: Q_TREE,
    summary: "the subject prefix must name the target tree ([PATCH bpf] or [PATCH bpf-next])",
    explanation: "Maintainers route patches by the tree named in the subject prefix: bpf takes \
fixes only, bpf-next takes features, cleanups and improvements (net and net-next are fine when \
unsure; iproute2 patches say master or net-next). A prefix with no tree leaves them guessing. When \
the repository is set to one tree and the subject names a different one, that is reported as well.",
    bad: "Subject: [PATCH] bpf: Fix a refcount leak in map update",
    good: "git format-patch --subject-prefix='PATCH bpf' ...  ->  Subject: [PATCH bpf] bpf: Fix a refcount leak in map update");

/// subject-tree
pub(super) fn subject_tree(item: &Item, cx: &Context<'_>, out: &mut Out<'_>) {
    if item.kind != ItemKind::Email {
        return;
    }
    let line = item.subject_line();
    let Some(prefix) = &item.prefix else {
        out.fail(
            item,
            Some(&line),
            "the subject has no [PATCH <tree>] prefix".into(),
            Some(suggest_prefix(cx, item)),
        );
        return;
    };
    let tree_problem = prefix.problems.iter().any(|p| {
        matches!(
            p,
            PrefixProblem::TreeTypo { .. }
                | PrefixProblem::TreeAmbiguous(_)
                | PrefixProblem::SeveralTrees(_)
        )
    });
    match (prefix.tree, cx.tree) {
        (None, _) if tree_problem => {} // subject-tree-unknown says what is wrong
        (None, _) => out.fail(
            item,
            Some(&line),
            format!(
                "the subject prefix [{}] names no target tree",
                prefix.groups.join("] [")
            ),
            Some(suggest_prefix(cx, item)),
        ),
        (Some(own), Some((want, source))) if !own.compatible_with(want) => out.soft(
            item,
            Some(&line),
            format!("the subject targets {own}, but {source} says this work goes to {want}"),
            Some(format!(
                "if the patch is right, the setting is wrong (git config bpf-policy.tree {own}); \
                 otherwise regenerate it with --subject-prefix='{}'",
                want.subject_prefix()
            )),
        ),
        _ => {}
    }
}

/// subject-tree-unknown: its definition (documentation and default severity) and check.
pub(super) static SUBJECT_TREE_UNKNOWN: Rule = rule!(RuleId::SubjectTreeUnknown, Error, Check::Item(subject_tree_unknown), repo: false,
    section: Q_TREE,
    summary: "a prefix token looks like a tree name but is not one (bpf_next, BPF-NEXT, netnext)",
    explanation: "Tree names are exact: bpf, bpf-next, net, net-next, bpf-next/net (bpf-next's \
networking branch), iproute2 master / net-next (iproute2-next). Misspelt names are not recognised \
by maintainers' tooling. Other subsystems' trees (nf-next, wireless-next, mptcp-next, ...) are not \
misspellings: they make the patch another subsystem's, judged by the kernel-wide rules alone. Two \
other trees in one token (bpf/net) are ambiguous and reported as a warning; two separate tree \
tokens are an error.",
    bad: "Subject: [PATCH bpf_next v2 1/3] libbpf: Add a getter",
    good: "Subject: [PATCH bpf-next v2 1/3] libbpf: Add a getter");

/// subject-tree-unknown
pub(super) fn subject_tree_unknown(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(prefix) = &item.prefix else { return };
    let line = item.subject_line();
    for p in &prefix.problems {
        match p {
            PrefixProblem::TreeTypo { token, suggestion } => out.fail(
                item,
                Some(&line),
                format!("'{token}' is not a tree name; did you mean '{suggestion}'?"),
                Some(format!("use --subject-prefix='{}'", suggestion.subject_prefix())),
            ),
            PrefixProblem::TreeAmbiguous(token) => out.soft(
                item,
                Some(&line),
                format!("'{token}' names two trees; maintainers need one"),
                Some("pick the tree the patch should be applied to (bpf for fixes, bpf-next for features)".into()),
            ),
            PrefixProblem::SeveralTrees(trees) => out.fail(
                item,
                Some(&line),
                format!(
                    "the prefix names several trees ({}); a patch goes to one",
                    trees.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
                ),
                Some("keep only the tree the patch should be applied to".into()),
            ),
            _ => {}
        }
    }
}

/// subject-version: its definition (documentation and default severity) and check.
pub(super) static SUBJECT_VERSION: Rule = rule!(RuleId::SubjectVersion, Error, Check::Item(subject_version), repo: false,
    section: Q_TREE,
    summary: "the revision must be a well-formed vN inside the [PATCH ...] brackets",
    explanation: "Resent series carry their revision in the subject prefix, as `git format-patch \
-v2` writes it: lower-case v, a number from 1, in the same brackets as PATCH. `V2`, `v 2`, `ver2`, \
`v0`, `-v2`, a version in a separate bracket or at the start of the summary all break tooling that \
groups revisions. A counter like 4/3 is reported here too.",
    bad: "Subject: [PATCH bpf-next] [V2] bpf: Support foo",
    good: "git format-patch -v2 --subject-prefix='PATCH bpf-next'  ->  Subject: [PATCH bpf-next v2] bpf: Support foo");

/// subject-version
pub(super) fn subject_version(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(prefix) = &item.prefix else { return };
    let line = item.subject_line();
    for p in &prefix.problems {
        let (msg, help) = match p {
            PrefixProblem::BadVersion(tok) => (
                format!("'{tok}' is not a valid revision"),
                "write the revision as lower-case v and a number from 1 (git format-patch -v2 does it)",
            ),
            PrefixProblem::VersionOutside(tok) => (
                format!("the revision '{tok}' is outside the [PATCH ...] brackets"),
                "put it inside them: [PATCH bpf-next v2] (git format-patch -v2 --subject-prefix='PATCH bpf-next')",
            ),
            PrefixProblem::BadCounter(tok) => (
                format!("'{tok}' is not a valid patch counter"),
                "let git format-patch number the series (n/m with 1 <= n <= m, 0 for the cover letter)",
            ),
            _ => continue,
        };
        out.fail(item, Some(&line), msg, Some(help.into()));
    }
}

/// Whether a summary starts with a subsystem prefix: `bpf: `, `selftests/bpf: `,
/// `bpf, x86: `, `tools headers UAPI: `, `libbpf 1.0: `, `net/sched: `. Up to four words of
/// letters, digits and `_ . , / + -` before the first colon, which a blank must follow.
/// Written out rather than as a regex: every commit pays for this check.
fn has_subsystem_prefix(summary: &str) -> bool {
    let Some(colon) = summary.find(':') else {
        return false;
    };
    let (prefix, rest) = summary.split_at(colon);
    let rest = &rest[1..];
    if !rest.starts_with(' ') || rest.trim().is_empty() {
        return false;
    }
    let word_ok = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.,/+-".contains(&b))
    };
    let words: Vec<&str> = prefix.split(' ').collect();
    let first_ok = prefix
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    first_ok && words.len() <= 4 && words.iter().all(|w| word_ok(w))
}

/// subject-format: its definition (documentation and default severity) and check.
pub(super) static SUBJECT_FORMAT: Rule = rule!(RuleId::SubjectFormat, Warning, Check::Item(subject_format), repo: false,
    section: PROCESS,
    summary: "the summary should start with a subsystem prefix (bpf:, libbpf:, selftests/bpf:)",
    explanation: "Kernel subjects say which part of the tree they change before the colon: `bpf: `, \
`libbpf: `, `selftests/bpf: `, `bpf, x86: `, `tools headers UAPI: `. Reverts made by git are exempt.",
    bad: "Add support for foo in the verifier",
    good: "bpf: Add support for foo in the verifier");

/// subject-format
pub(super) fn subject_format(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if item.is_cover || item.is_revert() {
        return;
    }
    let summary = item.message.subject.trim();
    if summary.is_empty() || has_subsystem_prefix(summary) {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        "the summary has no subsystem prefix such as 'bpf: ' or 'libbpf: '".into(),
        Some(format!(
            "name the part of the tree the patch changes: e.g. 'bpf: {}' (see `git log --oneline -- <file>`)",
            upper_first(summary)
        )),
    );
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A tree's kind, for messages.
pub(super) fn kind_word(t: Tree) -> &'static str {
    match t.kind() {
        TreeKind::Fixes => "fixes",
        TreeKind::Features => "features",
        TreeKind::Current => "current",
    }
}

/// Describe where a tree came from.
pub(super) fn tree_said(t: Tree, from: &TreeFrom<'_>) -> String {
    format!("{t} ({} tree, from {from})", kind_word(t))
}

#[cfg(test)]
mod tests {
    use super::has_subsystem_prefix;

    #[test]
    fn subsystem_prefixes() {
        for s in [
            "bpf: Fix x",
            "selftests/bpf: Add y",
            "bpf, x86: Support z",
            "tools headers UAPI: Sync",
            "libbpf 1.0: Drop",
            "net/sched: act_bpf: Fix",
            "bpf_lsm: Add",
            "bpf: fix: nested",
        ] {
            assert!(has_subsystem_prefix(s), "{s}");
        }
        for s in [
            "Add support to set NAPI threaded",
            "bpf:Fix",
            "bpf: ",
            "This is a long sentence with many words: no",
            ": x",
            "(bpf): x",
        ] {
            assert!(!has_subsystem_prefix(s), "{s}");
        }
    }
}
