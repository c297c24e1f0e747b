//! Commit message rules: body, sign-offs, trailer keys, stable Cc, fixup commits.

use std::sync::LazyLock;

use regex::Regex;

use super::{Check, PROCESS, Q_MIN, Q_STABLE, Rule, RuleId, SIGN_OFF};
use super::{Context, Out};
use crate::item::{Ident, Item, ItemKind};
use crate::message::{KNOWN_KEYS, Line, parse_trailer_line};
use crate::prefix::edit_distance;

/// message-empty: its definition (documentation and default severity) and check.
pub(super) static MESSAGE_EMPTY: Rule = rule!(RuleId::MessageEmpty, Error, Check::Item(message_empty), repo: false, kernel_wide: true,
    section: Q_MIN,
    summary: "the commit message must explain the change: not just a subject and tags",
    explanation: "Patches with an empty commit message are not accepted. Say why the change is \
made and what it is for, so someone reading the log later can follow the reasoning.",
    bad: "bpf: Fix typo\n\nSigned-off-by: A U Thor <author@example.org>",
    good: "bpf: Fix typo in the bpf_map_lookup_elem() comment\n\nThe comment says the helper returns 0 on \
success; it returns a pointer. Say so.\n\nSigned-off-by: A U Thor <author@example.org>");

/// message-empty
pub(super) fn message_empty(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if item.is_cover || item.message.prose_lines().next().is_some() {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        "the commit message has no body: only a subject and tags".into(),
        Some(
            "explain why the change is needed and what it does, between the subject and the tags"
                .into(),
        ),
    );
}

fn signoffs(item: &Item) -> impl Iterator<Item = &crate::message::Trailer> {
    item.message.trailers_named("Signed-off-by")
}

/// signoff-missing: its definition (documentation and default severity) and check.
pub(super) static SIGNOFF_MISSING: Rule = rule!(RuleId::SignoffMissing, Error, Check::Item(signoff_missing), repo: false, kernel_wide: true,
    section: SIGN_OFF,
    summary: "the message has no Signed-off-by: trailer",
    explanation: "Every kernel patch carries the author's Developer's Certificate of Origin as a \
Signed-off-by: trailer. `git commit -s` adds it. A Signed-off-by: below a `---` line inside a commit \
message does not count: git format-patch keeps it below the patch's own `---`, and git am drops it.",
    bad: "bpf: Add foo\n\nExplanation.",
    good: "bpf: Add foo\n\nExplanation.\n\nSigned-off-by: A U Thor <author@example.org>");

/// signoff-missing
pub(super) fn signoff_missing(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if item.is_cover || signoffs(item).next().is_some() {
        return;
    }
    // A sign-off below a `---` inside the message: format-patch keeps it below the patch's
    // own `---`, where git am drops it. That is the problem to name, not a missing sign-off.
    let below = item
        .message
        .notes
        .iter()
        .find(|l| parse_trailer_line(&l.text, l.no).is_some_and(|t| t.is("Signed-off-by")));
    if let Some(l) = below {
        out.fail(
            item,
            Some(l),
            "the only Signed-off-by: is below a `---` line: git am will drop it with everything else there".into(),
            Some("move it above the `---` line, with the other tags at the end of the message".into()),
        );
        return;
    }
    let who = item
        .author
        .as_ref()
        .filter(|a| !a.email.is_empty())
        .map_or_else(
            || "Your Name <you@example.org>".to_owned(),
            ToString::to_string,
        );
    out.fail(
        item,
        Some(&item.subject_line()),
        "no Signed-off-by: trailer".into(),
        // A bare message is a commit still being made: --amend would fold the staged change
        // into the previous commit, so the advice is to make it again with -s.
        Some(if item.kind == ItemKind::Message {
            format!("sign off by committing with `git commit -s`, which adds: Signed-off-by: {who}")
        } else {
            format!("sign off with `git commit --amend -s`, which adds: Signed-off-by: {who}")
        }),
    );
}

/// signoff-author: its definition (documentation and default severity) and check.
pub(super) static SIGNOFF_AUTHOR: Rule = rule!(RuleId::SignoffAuthor, Error, Check::Item(signoff_author), repo: false, kernel_wide: true,
    section: SIGN_OFF,
    summary: "the author (From:, or the commit author) has no Signed-off-by: of their own",
    explanation: "The person who wrote the patch must sign it off; others who handle it add their \
own line after it. The author's email is compared case-insensitively, or the name when an email \
differs. `git commit --amend -s` as the author fixes it.",
    bad: "From: A U Thor <author@example.org>\n...\nSigned-off-by: Someone Else <else@example.org>",
    good: "From: A U Thor <author@example.org>\n...\nSigned-off-by: A U Thor <author@example.org>");

/// signoff-author
pub(super) fn signoff_author(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if item.is_cover {
        return;
    }
    let Some(author) = &item.author else { return };
    if author.email.is_empty() && author.name.is_empty() {
        return;
    }
    let mut any = false;
    for s in signoffs(item) {
        any = true;
        if Ident::parse(&s.value).same_person(author) {
            return;
        }
    }
    if !any {
        return; // signoff-missing speaks
    }
    let line = signoffs(item).last().map(|t| t.line());
    out.fail(
        item,
        line.as_ref(),
        format!("the author {author} has not signed off"),
        Some(format!(
            "add `Signed-off-by: {author}` (git commit --amend -s as the author), or fix the author with \
             git commit --amend --author='Name <email>'"
        )),
    );
}

/// The known key this key is a misspelling of, if any.
fn misspelt(key: &str, spaced: bool) -> Option<&'static str> {
    if let Some(k) = KNOWN_KEYS.iter().find(|k| **k == key) {
        return spaced.then_some(*k);
    }
    if let Some(k) = KNOWN_KEYS.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        // `CC:` is what send-email and many tools write; it is not worth blocking on.
        return (*k != "Cc" || spaced).then_some(*k);
    }
    let lower = key.to_ascii_lowercase();
    KNOWN_KEYS
        .iter()
        .filter(|k| k.len() >= 5)
        .map(|k| (*k, if k.len() >= 8 { 2 } else { 1 }))
        // The distance is at least the difference in length (keys are ASCII): a key of a
        // megabyte need not be compared letter by letter to know it is no typo.
        .filter(|(k, limit)| k.len().abs_diff(lower.len()) <= *limit)
        .map(|(k, limit)| (edit_distance(&lower, &k.to_ascii_lowercase()), k, limit))
        .filter(|(d, _, limit)| d <= limit)
        .min_by_key(|(d, _, _)| *d)
        .map(|(_, k, _)| k)
}

/// trailer-typo: its definition (documentation and default severity) and check.
pub(super) static TRAILER_TYPO: Rule = rule!(RuleId::TrailerTypo, Error, Check::Item(trailer_typo), repo: false, kernel_wide: true,
    section: PROCESS,
    summary: "a misspelt trailer key (Signed-of-by:, Acked-By:, Fixes :)",
    explanation: "Tools that collect tags match trailer keys exactly. A misspelt key, the wrong \
capitalisation or a space before the colon makes the tag invisible to them.",
    bad: "Signed-of-by: A U Thor <author@example.org>",
    good: "Signed-off-by: A U Thor <author@example.org>");

/// trailer-typo
pub(super) fn trailer_typo(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    for t in &item.message.trailers {
        if !t.in_block && KNOWN_KEYS.contains(&t.key.as_str()) && !t.spaced_separator {
            continue;
        }
        let Some(right) = misspelt(&t.key, t.spaced_separator) else {
            continue;
        };
        let line = t.line();
        let msg = if right == t.key {
            format!(
                "'{} :' has a space before the colon; tools will not see this {right}: tag",
                t.key
            )
        } else {
            format!(
                "'{}:' is not a known trailer; did you mean '{right}:'?",
                t.key
            )
        };
        out.fail(
            item,
            Some(&line),
            msg,
            Some(format!("{right}: {}", t.value)),
        );
    }
    // A tag that landed in the body (a blank line before the sign-offs) is still a tag; only
    // compound keys (`Signed-of-by`) are looked at there, so prose such as "Fixed: ..." is not.
    // Well-known keys there were judged above, with the trailers.
    for t in &item.message.other_tags {
        if !t.key.contains('-') && !t.spaced_separator {
            continue;
        }
        if let Some(right) = misspelt(&t.key, t.spaced_separator) {
            out.fail(
                item,
                Some(&t.line()),
                format!(
                    "'{}:' is not a known trailer; did you mean '{right}:'?",
                    t.key
                ),
                Some(format!("{right}: {}", t.value)),
            );
        }
    }
}

static STABLE: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(r"(?i)\bstable@(?:vger\.)?kernel\.org\b").unwrap()
});
static CC_LINE: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(r"(?i)^\s*cc\s*:").unwrap()
});

const STABLE_HELP: &str = "remove it: BPF maintainers queue stable fixes themselves. To ask for a \
backport, add a note under the `---` line of the patch (it stays out of the git log) or ask them by mail";

/// no-stable-cc: its definition (documentation and default severity) and check.
pub(super) static NO_STABLE_CC: Rule = rule!(RuleId::NoStableCc, Error, Check::Item(no_stable_cc), repo: false,
    section: Q_STABLE,
    summary: "never Cc: stable@vger.kernel.org in a BPF patch; ask the maintainers below the ---",
    explanation: "BPF patches do not carry Cc: stable. The maintainers queue fixes for stable \
themselves: ask them in a note under the `---` line of the patch (it does not reach the git log), \
or by mail. This applies to the message and to the email's To/Cc headers, for the BPF trees (bpf, \
bpf-next, bpf-next/net) and when the tree is unknown; net and net-next allow Cc: stable since 2021.",
    bad: "Cc: stable@vger.kernel.org",
    good: "---\nPlease queue this for stable: it fixes a crash on 6.6.\n");

/// no-stable-cc
pub(super) fn no_stable_cc(item: &Item, cx: &Context<'_>, out: &mut Out<'_>) {
    // BPF trees forbid it; netdev allows Cc: stable since 2021. The patch's own tree decides
    // first: a [PATCH net] sent from a bpf-next checkout follows netdev's rules.
    if cx.sent_to(item).is_some_and(|t| !t.is_bpf()) {
        return;
    }
    for l in &item.message.lines {
        // A substring test first: most lines never need the regexes (nor their compiling).
        if !contains_ignore_case(&l.text, "stable@") {
            continue;
        }
        if CC_LINE.is_match(&l.text) && STABLE.is_match(&l.text) {
            out.fail(
                item,
                Some(l),
                "Cc: stable in the commit message; BPF patches never Cc stable".into(),
                Some(STABLE_HELP.into()),
            );
        }
    }
    if let Some(r) = &item.recipients {
        for (addr, no) in r.all() {
            if contains_ignore_case(addr, "stable@") && STABLE.is_match(addr) {
                out.fail(
                    item,
                    Some(&Line { no: *no, text: String::new() }),
                    format!("the email is addressed to {addr}; BPF patches never go to stable directly"),
                    Some("drop it from --to/--cc (and from git config sendemail.cc / the header file)".into()),
                );
            }
        }
    }
}

/// ASCII case-insensitive substring test.
pub(crate) fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// fixup-commit: its definition (documentation and default severity) and check.
pub(super) static FIXUP_COMMIT: Rule = rule!(RuleId::FixupCommit, Error, Check::Item(fixup_commit), repo: false, kernel_wide: true,
    section: Q_MIN,
    summary: "fixup!/squash!/amend! commits must be squashed before pushing or sending",
    explanation: "Commits made with `git commit --fixup` are meant to be folded into their target by \
`git rebase -i --autosquash`. They are fine while you work, and an error once pushed or mailed.",
    bad: "fixup! bpf: Add foo",
    good: "git rebase -i --autosquash <base>");

/// fixup-commit
pub(super) fn fixup_commit(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if item.kind == ItemKind::Message || !item.is_fixup() {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        "a fixup!/squash!/amend! commit is about to leave this machine".into(),
        Some("fold it into its target first: git rebase -i --autosquash <base>".into()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings() {
        assert_eq!(misspelt("Signed-of-by", false), Some("Signed-off-by"));
        assert_eq!(misspelt("Signed-off-By", false), Some("Signed-off-by"));
        assert_eq!(misspelt("Acked-By", false), Some("Acked-by"));
        assert_eq!(misspelt("Fixes", true), Some("Fixes"));
        assert_eq!(misspelt("Fixes", false), None);
        assert_eq!(misspelt("CC", false), None);
        assert_eq!(misspelt("Build-tested-by", false), None);
        assert_eq!(misspelt("Links", false), None);
        assert_eq!(misspelt("Reviewed-by", false), None);
        assert_eq!(misspelt("Reviewd-bye", false), Some("Reviewed-by"));
        // A megabyte key is judged by its length alone, not compared letter by letter.
        assert_eq!(misspelt(&"Signed-off-by".repeat(80_000), false), None);
    }

    #[test]
    fn many_misspelt_body_tags_each_reported_once() {
        // The body pass once scanned every trailer for every body line: quadratic in a body
        // of 100,000 tags.
        let tags: String = (0..100_000)
            .map(|i| format!("Acked-By: R{i} <r{i}@example.org>\n"))
            .collect();
        let item = Item::from_message(
            "m",
            format!("bpf: x\n\nWhy.\n{tags}\nSigned-off-by: A <a@b>\n").as_bytes(),
            &crate::message::ParseOptions::default(),
        );
        let diags = crate::check(
            std::slice::from_ref(&item),
            &Context::default(),
            &crate::Config::default(),
        );
        let typos = diags
            .iter()
            .filter(|d| d.rule == RuleId::TrailerTypo)
            .count();
        assert_eq!(typos, 100_000);
    }
}
