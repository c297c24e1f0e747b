//! Series rules: cover letters, numbering, revisions, recipients.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::{Check, NETDEV, Q_LIST, Q_MIN, Q_TREE, Rule, RuleId};
use super::{Context, Out, patches};
use crate::item::{Item, ItemKind};
use crate::message::Line;

fn emails(items: &[Item]) -> impl Iterator<Item = &Item> {
    items.iter().filter(|i| i.kind == ItemKind::Email)
}

/// series-cover-letter: its definition (documentation and default severity) and check.
pub(super) static SERIES_COVER_LETTER: Rule = rule!(RuleId::SeriesCoverLetter, Error, Check::Series(series_cover_letter), repo: false,
    section: Q_MIN,
    summary: "a series of more than one patch needs a cover letter (0/N)",
    explanation: "Series with more than one patch need a cover letter that describes the series as \
a whole; the maintainers put it into the merge commit. `git format-patch --cover-letter` or \
`b4 prep` makes one. BPF trees (and an unknown tree) ask from two patches; net, net-next and \
iproute2 from three (netdev's own check, NIPA's series_format, accepts two without one).",
    bad: "0001-bpf-one.patch 0002-bpf-two.patch",
    good: "git format-patch --cover-letter ...  ->  0000-cover-letter.patch 0001-... 0002-...");

/// series-cover-letter
pub(super) fn series_cover_letter(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let patches: Vec<&Item> = patches(items)
        .filter(|i| i.kind == ItemKind::Email)
        .collect();
    let Some(first) = patches.first().copied() else {
        return;
    };
    // BPF trees (and an unknown tree) from two patches, netdev's own trees from three.
    let tree = cx.sent_to(first);
    let from = tree.map_or(2, crate::tree::Tree::cover_letter_from);
    if patches.len() < from || emails(items).any(|i| i.is_cover) {
        return;
    }
    let per_tree = match tree {
        Some(t) => format!(" (for {t}, a cover letter is needed from {from} patches)"),
        None => String::new(),
    };
    out.fail(
        first,
        Some(&first.subject_line()),
        format!("a series of {} patches has no cover letter{per_tree}", patches.len()),
        Some(
            "regenerate with `git format-patch --cover-letter ...` and describe the series in 0000-cover-letter.patch \
             (b4 prep keeps one for you)"
                .into(),
        ),
    );
}

const PLACEHOLDERS: &[&str] = &["*** SUBJECT HERE ***", "*** BLURB HERE ***", "EDITME"];

fn placeholder_lines(item: &Item) -> Vec<Line> {
    let mut found = Vec::new();
    let subject = item.subject_line();
    if PLACEHOLDERS.iter().any(|p| subject.text.contains(p)) {
        found.push(subject);
    }
    for l in item.message.lines.iter().skip(1) {
        if PLACEHOLDERS.iter().any(|p| l.text.contains(p)) {
            found.push(l.clone());
        }
    }
    found
}

/// cover-letter-placeholder: its definition (documentation and default severity) and check.
pub(super) static COVER_LETTER_PLACEHOLDER: Rule = rule!(RuleId::CoverLetterPlaceholder, Error, Check::Item(cover_letter_placeholder), repo: false,
    section: Q_MIN,
    summary: "the cover letter still holds *** SUBJECT HERE ***, *** BLURB HERE *** or EDITME",
    explanation: "`git format-patch --cover-letter` and `b4 prep` write placeholders for the title and \
description of the series. Replace them before sending.",
    bad: "Subject: [PATCH bpf-next 0/2] *** SUBJECT HERE ***",
    good: "Subject: [PATCH bpf-next 0/2] bpf: Support foo in the verifier");

/// cover-letter-placeholder
pub(super) fn cover_letter_placeholder(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if !item.is_cover {
        return;
    }
    for l in placeholder_lines(item) {
        out.fail(
            item,
            Some(&l),
            "the cover letter still holds a template placeholder".into(),
            Some(if l.text.contains("EDITME") {
                "write the cover letter with `b4 prep --edit-cover`".into()
            } else {
                "replace it with the series' title and description before sending".into()
            }),
        );
    }
}

static SHORTLOG_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(r"^\S.* \(\d+\):$").unwrap()
});
static DIFFSTAT: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(
        r"^ (?:.* \| +(?:\d+ ?[+-]*|Bin .*)|\d+ files? changed.*|(?:create|delete) mode \d+ .*|mode change \d+ => \d+ .*|(?:rename|copy) .* \(\d+%\))$",
    )
    .unwrap()
});

/// Lines of a cover letter that describe the series: not shortlog, diffstat, tags,
/// placeholders or the signature.
fn description_lines(item: &Item) -> usize {
    // Looked up per line; a scan of every tag per line is quadratic in a letter of many tags.
    let tags: HashSet<usize> = item.message.trailers.iter().map(|t| t.line).collect();
    let mut n = 0;
    let mut in_shortlog = false;
    for l in item.message.body() {
        let t = l.text.as_str();
        if t.trim().is_empty() {
            in_shortlog = false;
            continue;
        }
        if SHORTLOG_HEAD.is_match(t) {
            in_shortlog = true;
            continue;
        }
        if in_shortlog && t.starts_with("  ") {
            continue;
        }
        if t == "-- " {
            break; // the signature: git's version follows
        }
        if DIFFSTAT.is_match(t) || PLACEHOLDERS.iter().any(|p| t.contains(p)) {
            continue;
        }
        if tags.contains(&l.no) {
            continue;
        }
        n += 1;
    }
    n
}

/// cover-letter-empty: its definition (documentation and default severity) and check.
pub(super) static COVER_LETTER_EMPTY: Rule = rule!(RuleId::CoverLetterEmpty, Error, Check::Item(cover_letter_empty), repo: false,
    section: Q_MIN,
    summary: "the cover letter has no description beyond the shortlog and diffstat",
    explanation: "The cover letter's text becomes the merge commit message; it must give a high \
level description of what the series does and why.",
    bad: "A U Thor (2):\n  bpf: one\n  bpf: two\n\n 2 files changed, ...",
    good: "This series teaches the verifier foo, so that ...\n\nA U Thor (2):\n  bpf: one ...");

/// cover-letter-empty
pub(super) fn cover_letter_empty(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if !item.is_cover || description_lines(item) > 0 || !placeholder_lines(item).is_empty() {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        "the cover letter does not describe the series (only shortlog and diffstat)".into(),
        Some("say what the series does and why, above the shortlog; it becomes the merge commit message".into()),
    );
}

/// How many missing patches series-consistency names before it just counts the rest.
const MISSING_SHOWN: usize = 10;

/// series-consistency: its definition (documentation and default severity) and check.
pub(super) static SERIES_CONSISTENCY: Rule = rule!(RuleId::SeriesConsistency, Error, Check::Series(series_consistency), repo: false,
    section: Q_TREE,
    summary: "patches of one series must agree on tree, revision and count, numbered without gaps",
    explanation: "A series is one unit: every patch names the same tree, revision (vN) and total \
(n/M), numbered 1..M without gaps or duplicates. A revised series is always sent whole, never as \
single patches on top of an earlier revision.",
    bad: "[PATCH bpf-next v2 1/3], [PATCH bpf-next v2 3/3]",
    good: "[PATCH bpf-next v2 0/3], [PATCH bpf-next v2 1/3], [PATCH bpf-next v2 2/3], [PATCH bpf-next v2 3/3]");

/// series-consistency
pub(super) fn series_consistency(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let mails: Vec<&Item> = emails(items).filter(|i| !i.is_merge).collect();
    // One email alone is a series of its own, unless it says it is part n of m and the send
    // carries nothing else (a partial resend).
    let numbered = |i: &Item| i.prefix.as_ref().and_then(|p| p.total()).is_some();
    if mails.is_empty() || (mails.len() < 2 && !(cx.whole_send && numbered(mails[0]))) {
        return;
    }
    let first = mails[0];
    let differ = |f: &dyn Fn(&Item) -> String, out: &mut Out<'_>| {
        let base = f(first);
        for i in &mails[1..] {
            let v = f(i);
            if v != base {
                out.fail(
                    i,
                    Some(&i.subject_line()),
                    format!("this patch has {v}, but {} has {base}", first.origin),
                    Some("regenerate the whole series with one git format-patch run (same -v and --subject-prefix)".into()),
                );
            }
        }
    };
    let tree = |i: &Item| {
        i.prefix
            .as_ref()
            .and_then(|p| p.tree)
            .map_or("no tree".to_owned(), |t| format!("tree {t}"))
    };
    differ(&tree, out);
    differ(
        &|i: &Item| {
            format!(
                "revision v{}",
                i.prefix.as_ref().map_or(1, |p| p.revision())
            )
        },
        out,
    );
    let total = |i: &Item| i.prefix.as_ref().and_then(|p| p.total());
    let totals: Vec<u32> = mails.iter().filter_map(|i| total(i)).collect();
    if totals.windows(2).any(|w| w[0] != w[1]) {
        differ(
            &|i: &Item| total(i).map_or("no counter".into(), |m| format!("a total of {m}")),
            out,
        );
        return;
    }
    let unnumbered: Vec<&&Item> = mails.iter().filter(|i| total(i).is_none()).collect();
    for i in &unnumbered {
        out.fail(
            i,
            Some(&i.subject_line()),
            "a patch of a series has no n/m counter".into(),
            Some("let git format-patch number the series (it does for more than one patch, or with -n)".into()),
        );
    }
    let Some(&m) = totals.first() else { return };
    let mut seen: BTreeMap<u32, &Item> = BTreeMap::new();
    for i in &mails {
        let Some(n) = i.prefix.as_ref().and_then(|p| p.number()) else {
            continue;
        };
        if let Some(prev) = seen.insert(n, i) {
            out.fail(
                i,
                Some(&i.subject_line()),
                format!("patch {n}/{m} appears twice (also in {})", prev.origin),
                Some("send each patch of the series once".into()),
            );
        }
    }
    // m comes from a subject and may be as large as u32::MAX: count the gaps instead of
    // listing them all, and walk only as far as the first few.
    let absent = m as usize - seen.range(1..=m).count();
    if absent > 0 {
        let mut missing: Vec<String> = (1..=m)
            .filter(|n| !seen.contains_key(n))
            .take(MISSING_SHOWN)
            .map(|n| format!("{n}/{m}"))
            .collect();
        if absent > MISSING_SHOWN {
            missing.push(format!("and {} more", absent - MISSING_SHOWN));
        }
        let v = first.prefix.as_ref().map_or(1, |p| p.revision());
        let msg = if cx.whole_send && absent == m as usize {
            format!(
                "the cover letter is sent without its patches: {} missing",
                missing.join(", ")
            )
        } else if cx.whole_send {
            format!(
                "this send is not the whole series: {} missing",
                missing.join(", ")
            )
        } else if v >= 2 {
            format!(
                "v{v} is not the whole series: {} missing",
                missing.join(", ")
            )
        } else {
            format!("the series has gaps: {} missing", missing.join(", "))
        };
        out.fail(
            first,
            Some(&first.subject_line()),
            msg,
            Some("always send the whole series again, never single patches on top of an earlier revision".into()),
        );
    }
}

static CHANGELOG: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(
        r"(?i)(?:\bv\d+\s*(?:->|→|=>|-|\.\.|to|vs\.?)\s*v\d+\b|\bchanges?\s+(?:in|since|from|for|between)\s+v\d+|\bchange ?log\b|^\s*v\d+\s*:|\bsince\s+v\d+\b|\bv\d+\s+changes\b)",
    )
    .unwrap()
});

fn has_changelog(item: &Item) -> bool {
    // A changelog above the `---` of a patch is one still (changelog-placement says where it
    // belongs).
    item.message
        .notes
        .iter()
        .any(|l| CHANGELOG.is_match(&l.text))
        || item
            .message
            .lines
            .iter()
            .any(|l| CHANGELOG.is_match(&l.text))
}

/// The largest series the netdev FAQ lets one post at once.
const MAX_SERIES: usize = 15;

/// series-too-long: its definition (documentation and default severity) and check.
pub(super) static SERIES_TOO_LONG: Rule = rule!(RuleId::SeriesTooLong, Error, Check::Series(series_too_long), repo: false,
    section: NETDEV,
    summary: "a series of more than 15 patches is too long to post at once; break it up",
    explanation: "The netdev FAQ, which the BPF policy defers to: \"don't post large series \
(> 15 patches), break them up\". Reviewers cannot take in more at once. Send the first part, and \
the rest once it is applied.",
    bad: "[PATCH bpf-next 00/16] ... [PATCH bpf-next 16/16]",
    good: "[PATCH bpf-next 0/8] part one; part two after it is applied");

/// series-too-long
pub(super) fn series_too_long(items: &[Item], _cx: &Context<'_>, out: &mut Out<'_>) {
    let patches: Vec<&Item> = patches(items)
        .filter(|i| i.kind == ItemKind::Email)
        .collect();
    let Some(first) = emails(items).next() else {
        return;
    };
    // The counter says how long the series is even when only part of it is given.
    let total = emails(items)
        .filter_map(|i| i.prefix.as_ref().and_then(|p| p.total()))
        .max()
        .map_or(0, |m| m as usize);
    let n = patches.len().max(total);
    if n <= MAX_SERIES {
        return;
    }
    out.fail(
        first,
        Some(&first.subject_line()),
        format!("a series of {n} patches is too long to post at once (more than {MAX_SERIES})"),
        Some("break it up: post the first part, and the rest once it is applied".into()),
    );
}

/// Version notes at the start of a line: `v2:`, `v1 -> v2`, `Changes in v2`, `Changes since
/// v1`, `Changelog:`.
static VERSION_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(
        r"(?i)^\s*(?:[-*]\s*)?(?:v\d+\s*(?:->|→|=>|\.\.|to)\s*v\d+\b|changes?\s+(?:in|since|from)\s+v\d+\b|changes\s+v\d+\s*(?:->|to)\s*v\d+|v\d+\s*:|change ?log\s*:?\s*$)",
    )
    .unwrap()
});

/// Whether a line can match [`VERSION_NOTE`]: every form starts, after blanks and one optional
/// `-` or `*` bullet, with `v` and a digit or with "change". Most message lines do not (prose
/// that says "this change ..." has it later), and then the regex is never compiled: compiling
/// it was a fifth of the commit-msg hook's instructions.
fn may_be_version_note(line: &str) -> bool {
    let t = line.trim_start();
    let t = t.strip_prefix(['-', '*']).map_or(t, str::trim_start);
    let b = t.as_bytes();
    // `\d` is any Unicode digit: a non-ASCII byte after the `v` may start one.
    (matches!(b.first(), Some(b'v' | b'V'))
        && b.get(1)
            .is_some_and(|c| c.is_ascii_digit() || !c.is_ascii()))
        || b.get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"change"))
}

/// changelog-placement: its definition (documentation and default severity) and check.
pub(super) static CHANGELOG_PLACEMENT: Rule = rule!(RuleId::ChangelogPlacement, Warning, Check::Item(changelog_placement), repo: false,
    section: NETDEV,
    summary: "version notes (v2:, v1 -> v2, Changes in v2) go below the --- line, not in the message",
    explanation: "What changed between revisions is for reviewers, not for the git log: put it \
below the `---` line of the patch (git am drops what is there), or in the cover letter. Above the \
`---` it becomes part of the commit message when the patch is applied.",
    bad: "bpf: Support foo\n\nWhy.\n\nv1 -> v2: use u32\n\nSigned-off-by: A U Thor <author@example.org>",
    good: "bpf: Support foo\n\nWhy.\n\nSigned-off-by: A U Thor <author@example.org>\n---\nv1 -> v2: use u32");

/// changelog-placement
pub(super) fn changelog_placement(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    // Commits already in a tree are what they are; patches and messages being written
    // can still move their notes.
    if item.is_cover || item.kind == ItemKind::Commit {
        return;
    }
    // The message proper: what git am would put into the log (not the subject).
    let Some(l) = item
        .message
        .lines
        .iter()
        .skip(1)
        .find(|l| may_be_version_note(&l.text) && VERSION_NOTE.is_match(&l.text))
    else {
        return;
    };
    out.fail(
        item,
        Some(l),
        "version notes above the `---` line would enter the git log".into(),
        Some("move them below the `---` line (after the Signed-off-by: lines), or into the cover letter".into()),
    );
}

/// series-changelog: its definition (documentation and default severity) and check.
pub(super) static SERIES_CHANGELOG: Rule = rule!(RuleId::SeriesChangelog, Warning, Check::Series(series_changelog), repo: false,
    section: Q_TREE,
    summary: "a v2+ posting should say what changed since the last revision",
    explanation: "Reviewers of a respin want to know what changed: add a changelog (`v1 -> v2: ...`, \
`Changes in v2:`) to the cover letter, or below the `---` line of a single patch.",
    bad: "Subject: [PATCH bpf-next v2] bpf: Support foo   (no changelog anywhere)",
    good: "---\nv1 -> v2:\n- use u32 for the counter (Alexei)\n");

/// series-changelog
pub(super) fn series_changelog(items: &[Item], _cx: &Context<'_>, out: &mut Out<'_>) {
    let mails: Vec<&Item> = emails(items).filter(|i| !i.is_merge).collect();
    let Some(first) = mails.first() else { return };
    let v = first.prefix.as_ref().map_or(1, |p| p.revision());
    if v < 2 || mails.iter().any(|i| has_changelog(i)) {
        return;
    }
    // One patch of a numbered series, checked alone: the changelog may be in its cover letter.
    if mails.len() == 1
        && first
            .prefix
            .as_ref()
            .and_then(|p| p.total())
            .is_some_and(|m| m > 1)
    {
        return;
    }
    let target = mails.iter().find(|i| i.is_cover).copied().unwrap_or(first);
    out.fail(
        target,
        Some(&target.subject_line()),
        format!("v{v} gives no changelog: reviewers cannot see what changed since v{}", v - 1),
        Some(format!(
            "add `Changes in v{v}:` with a line per change (and a link to v{}) to the cover letter, \
             or below the `---` line of a single patch",
            v - 1
        )),
    );
}

/// recipient-list: its definition (documentation and default severity) and check.
pub(super) static RECIPIENT_LIST: Rule = rule!(RuleId::RecipientList, Error, Check::Item(recipient_list), repo: false,
    section: Q_LIST,
    summary: "bpf/bpf-next patches go to bpf@vger.kernel.org; net and iproute2 to netdev",
    explanation: "BPF patches are reviewed on bpf@vger.kernel.org; net, net-next and iproute2 patches \
on netdev@vger.kernel.org. Checked where the recipients are known (email To/Cc headers, \
send-email's header file).",
    bad: "To: linux-kernel@vger.kernel.org   (for [PATCH bpf-next])",
    good: "To: bpf@vger.kernel.org");

/// recipient-list
pub(super) fn recipient_list(item: &Item, cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(r) = &item.recipients else { return };
    let Some(tree) = cx.sent_to(item) else {
        return;
    };
    let Some(list) = tree
        .lists()
        .iter()
        .copied()
        .find(|list| !r.all().any(|(a, _)| a.to_ascii_lowercase().contains(list)))
    else {
        return;
    };
    let line = r.all().next().map(|(_, no)| Line {
        no: *no,
        text: String::new(),
    });
    out.fail(
        item,
        line.as_ref().or(Some(&item.subject_line())),
        format!("{tree} patches must go to {list}, which is neither in To: nor Cc:"),
        Some(format!(
            "git send-email --to={list} ... (or git config sendemail.to {list}); with b4: \
             b4 send --to {list}, or a To: line in the cover letter (b4 prep --edit-cover)"
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::{Email, EmailError};

    #[test]
    fn version_notes_pass_the_prefilter() {
        for line in [
            "v2: Fix the leak",
            " - V3 -> v4: rebased",
            "Changes in v2:",
            "CHANGES SINCE V1",
            "changes v1 to v2",
            "Change log",
            "changelog:",
            "v\u{663}: Arabic-Indic digit",
        ] {
            assert!(VERSION_NOTE.is_match(line), "{line}");
            assert!(may_be_version_note(line), "{line}");
        }
        for line in [
            "The error path dropped a reference.",
            "Cc: stable",
            "via v-table",
            "This change keeps v2 of the map format.",
            "-- v2: a second bullet is not one",
        ] {
            assert!(!may_be_version_note(line), "{line}");
            assert!(!VERSION_NOTE.is_match(line), "{line}");
        }
        // Never narrower than the regex: every line it matches passes, over many shapes.
        let parts = [
            "", " ", "\t", "-", "*", "- ", "v", "V", "2", "\u{663}", "change", "Changes", "CHANGE",
            "log", " in ", " since ", "v1", " -> ", "->", ":", "x", "\u{2003}", "s", "to",
        ];
        let mut matched = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let line = format!("{a}{b}{c}{d}");
                        if VERSION_NOTE.is_match(&line) {
                            matched += 1;
                            assert!(may_be_version_note(&line), "{line:?}");
                        }
                    }
                }
            }
        }
        assert!(matched > 100, "{matched}");
    }

    #[test]
    fn a_huge_total_is_counted_not_listed() -> Result<(), EmailError> {
        // A total of u32::MAX in the subjects once meant four billion "n/m missing" strings.
        let mail = |n: u32| {
            format!(
                "From: A <a@x>\nSubject: [PATCH bpf-next {n}/4294967295] bpf: x\nTo: bpf@vger.kernel.org\n\nWhy.\n\nSigned-off-by: A <a@x>\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
            )
        };
        let mut items = Vec::new();
        for n in [1, 3] {
            items.push(Item::from_email(
                format!("{n}.patch"),
                Email::parse(mail(n).as_bytes(), 1)?,
            ));
        }
        let diags = crate::check(&items, &Context::default(), &crate::Config::default());
        let gaps: Vec<&str> = diags
            .iter()
            .filter(|d| d.rule == RuleId::SeriesConsistency)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            gaps,
            vec![
                "the series has gaps: 2/4294967295, 4/4294967295, 5/4294967295, 6/4294967295, \
                 7/4294967295, 8/4294967295, 9/4294967295, 10/4294967295, 11/4294967295, \
                 12/4294967295, and 4294967283 more missing"
            ]
        );
        Ok(())
    }

    #[test]
    fn changelog_forms() {
        for s in [
            "v1 -> v2:",
            "Changes in v3:",
            "Changes since v1",
            "v2: dropped patch 3",
            "Changelog:",
            "v2->v3",
            "since v1:",
        ] {
            assert!(CHANGELOG.is_match(s), "{s}");
        }
        for s in ["This is the second version", "bpf: Add v2 of the helper"] {
            assert!(!CHANGELOG.is_match(s), "{s}");
        }
    }

    #[test]
    fn diffstat_and_shortlog() {
        assert!(DIFFSTAT.is_match(" kernel/bpf/verifier.c | 12 +++++++-----"));
        assert!(DIFFSTAT.is_match(" 3 files changed, 10 insertions(+), 2 deletions(-)"));
        assert!(SHORTLOG_HEAD.is_match("A U Thor (2):"));
        assert!(!DIFFSTAT.is_match("This series adds | pipes"));
        assert!(DIFFSTAT.is_match(" create mode 100644 tools/testing/selftests/bpf/x.c"));
        assert!(DIFFSTAT.is_match(" rename tools/{a => b}/x.c (100%)"));
    }
}
