//! Rules about the act of sending: reposting too soon, threading a new version under the old
//! one, skipped versions (from the send log), and whether the series applies to the target
//! tree. They speak only where the sender gathered the facts (`Context::send`).

use super::{Check, NETDEV, Q_TREE, Rule, RuleId};
use super::{Context, Out};
use crate::item::{Item, ItemKind};
use crate::sent::{Applies, SendFacts, SentEntry};

const DAY: i64 = 24 * 60 * 60;

/// The first email of the send (the cover letter when there is one) and the send log's
/// view of this series: its entry and the earlier postings of the same series, newest last.
fn this_send<'a>(
    items: &'a [Item],
    facts: &'a SendFacts,
) -> Option<(&'a Item, SentEntry, Vec<&'a SentEntry>)> {
    // A maintainer's pull request is not a posting of a series.
    let mails: Vec<&Item> = items
        .iter()
        .filter(|i| i.kind == ItemKind::Email && !i.pull_request)
        .collect();
    let first = mails
        .iter()
        .find(|i| i.is_cover)
        .or(mails.first())
        .copied()?;
    let entry = SentEntry::of(items, facts.now, None);
    let earlier = facts
        .sent
        .iter()
        .filter(|e| e.same_series(&entry))
        .collect();
    Some((first, entry, earlier))
}

/// A time span as a person says it: "about 4 hours", "40 minutes".
fn hours(secs: i64) -> String {
    match secs / 3600 {
        0 => format!("{} minutes", secs / 60),
        1 => "about an hour".to_owned(),
        h => format!("about {h} hours"),
    }
}

/// repost-too-soon: its definition (documentation and default severity) and check.
pub(super) static REPOST_TOO_SOON: Rule = rule!(RuleId::RepostTooSoon, Error, Check::Series(repost_too_soon), repo: true,
    section: NETDEV,
    summary: "the same series was sent from this repository less than 24 hours ago",
    explanation: "\"Don't repost your patches within one 24h period\": reviewers need time to answer a \
posting before the next one arrives. sendemail-validate keeps a log of the series it let through \
(`bpf-policy sent` lists it) and recognises a series by its cover letter's title, else by its patch \
subjects. A send that never reached the list can be dropped from the log with \
`bpf-policy sent --forget`.",
    bad: "v2 sent at 10:00, v3 of the same series at 14:00",
    good: "v3 sent the next day, after the reviews of v2");

/// repost-too-soon
pub(super) fn repost_too_soon(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(facts) = cx.send else { return };
    let Some((first, _, earlier)) = this_send(items, facts) else {
        return;
    };
    let Some(last) = earlier.iter().rev().find(|e| facts.now - e.time < DAY) else {
        return;
    };
    let ago = (facts.now - last.time).max(0);
    out.fail(
        first,
        Some(&first.subject_line()),
        format!(
            "\"{}\" (v{}) was sent from this repository {} ago; wait 24 hours between postings",
            last.title(),
            last.version,
            hours(ago)
        ),
        Some(format!(
            "send it after {} hours from the last posting, so reviewers can answer the last one; \
             if that send never reached the list, `bpf-policy sent --forget '{}'`",
            24,
            last.title().replace('\'', "'\\''")
        )),
    );
}

/// new-version-thread: its definition (documentation and default severity) and check.
pub(super) static NEW_VERSION_THREAD: Rule = rule!(RuleId::NewVersionThread, Warning, Check::Series(new_version_thread), repo: true,
    section: NETDEV,
    summary: "a new version (v2+) is sent as a reply to an earlier posting",
    explanation: "New versions are \"posted as a separate thread, not as a reply\" to the previous \
one: threaded under v1 they are easily missed and confuse the patch tracking. Send vN without \
--in-reply-to and link the previous posting in the changelog.",
    bad: "git send-email --in-reply-to='<v1-cover@example.org>' v2-*.patch",
    good: "git send-email v2-*.patch   (Changes in v2: ... v1: https://lore.kernel.org/...)");

/// new-version-thread
pub(super) fn new_version_thread(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(facts) = cx.send else { return };
    let Some((first, entry, earlier)) = this_send(items, facts) else {
        return;
    };
    let Some(reply) = &first.in_reply_to else {
        return;
    };
    if entry.version < 2 {
        return;
    }
    let old = earlier
        .iter()
        .find(|e| e.message_id.as_deref() == Some(reply.as_str()));
    let what = old.map_or_else(
        || "an earlier thread".to_owned(),
        |e| format!("v{} of this series", e.version),
    );
    out.fail(
        first,
        Some(&first.subject_line()),
        format!(
            "v{} is sent as a reply (In-Reply-To: {reply}) to {what}; a new version starts a new thread",
            entry.version
        ),
        Some("send it without --in-reply-to, and link the previous version in the cover letter's changelog (v1: https://lore.kernel.org/...)".into()),
    );
}

/// version-sequence: its definition (documentation and default severity) and check.
pub(super) static VERSION_SEQUENCE: Rule = rule!(RuleId::VersionSequence, Warning, Check::Series(version_sequence), repo: true,
    section: NETDEV,
    summary: "a posting's vN does not follow the last version sent (v3 after v1, or no vN again)",
    explanation: "Each repost of a series carries the next revision number, so reviewers can tell \
the postings apart: after v1 comes v2. A v3 after v1 (v2 never sent), the same vN again, or a \
posting without vN of a series already sent once is reported, from the send log. An unchanged \
posting sent again as `[PATCH RESEND ...]` keeps its vN and is not reported (repost-too-soon \
still applies to it).",
    bad: "[PATCH bpf-next v3 0/2] after [PATCH bpf-next 0/2]",
    good: "git format-patch -v2 ...  ->  [PATCH bpf-next v2 0/2]");

/// version-sequence
pub(super) fn version_sequence(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(facts) = cx.send else { return };
    let Some((first, entry, earlier)) = this_send(items, facts) else {
        return;
    };
    let Some(last) = earlier.last() else { return };
    let v = entry.version;
    // `[PATCH RESEND ...]` is how an unchanged posting goes out again (submitting-patches.rst:
    // "resend ... with RESEND in the subject"): the same vN is what it should carry.
    // repost-too-soon still times it.
    let resend = items
        .iter()
        .any(|i| i.prefix.as_ref().is_some_and(|p| p.resend));
    if resend && v == last.version {
        return;
    }
    let (message, help) = if v == 1 {
        (
            format!(
                "this series was sent before (v{}), and this posting has no version",
                last.version
            ),
            format!(
                "git format-patch -v{} ... (or b4 prep, which counts for you)",
                last.version + 1
            ),
        )
    } else if last.version + 1 != v {
        (
            format!(
                "v{v} follows v{} sent from this repository: {}",
                last.version,
                if v <= last.version {
                    "a version already sent".to_owned()
                } else {
                    format!("v{} is missing", last.version + 1)
                }
            ),
            format!(
                "the next version is v{}: git format-patch -v{} ...",
                last.version + 1,
                last.version + 1
            ),
        )
    } else {
        return;
    };
    out.fail(first, Some(&first.subject_line()), message, Some(help));
}

/// applies-to-tree: its definition (documentation and default severity) and check.
pub(super) static APPLIES_TO_TREE: Rule = rule!(RuleId::AppliesToTree, Error, Check::Series(applies_to_tree), repo: true,
    section: Q_TREE,
    summary: "the series must apply to the tip of the target tree's branch",
    explanation: "\"Please make sure to rebase the patches against those trees in order to reduce \
potential conflicts\": a series that does not apply is bounced by the CI with \"Please rebase\". \
sendemail-validate applies the patches in memory (a temporary index, never your work tree or index) \
to the remote-tracking branch of the remote whose URL names the tree (or the ref in \
`bpf-policy.treeRef`) and names the patch and file that fail. A cover letter's `base-commit:` that \
is not in that branch's history is reported too. Skipped, with a note, when there is no such ref or \
it is more than 7 days old (fetch it to check against today's tree).",
    bad: "a series based on last month's bpf-next that conflicts with bpf-next/master",
    good: "git fetch bpf-next && git rebase bpf-next/master && git format-patch ...");

/// applies-to-tree
pub(super) fn applies_to_tree(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(check) = cx.send.and_then(|f| f.tree.as_ref()) else {
        return;
    };
    let Some(first) = items.iter().find(|i| i.is_cover).or_else(|| items.first()) else {
        return;
    };
    let tree_ref = check.tree_ref.as_deref().unwrap_or("the target tree");
    match &check.applies {
        Applies::Yes => {}
        Applies::Skipped(why) => out.note(
            first,
            None,
            format!("not checked against the target tree: {why}"),
            None,
        ),
        Applies::No { origin, detail } => {
            let item = items.iter().find(|i| &i.origin == origin).unwrap_or(first);
            out.fail(
                item,
                Some(&item.subject_line()),
                format!("this patch does not apply to {tree_ref}: {detail}"),
                Some(format!(
                    "rebase the series on the tree it targets: git fetch, then git rebase {tree_ref}, and format it again"
                )),
            );
        }
    }
    if let Some(base) = &check.foreign_base {
        out.fail(
            first,
            None,
            format!("the cover letter's base-commit: {base} is not in {tree_ref}'s history"),
            Some(format!(
                "base the series on {tree_ref}: git rebase {tree_ref}, then git format-patch --base=auto ..."
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::{Email, EmailError};
    use crate::{Config, check};

    fn mail(subject: &str) -> Result<Item, EmailError> {
        let diff = if subject.contains(" 0/") {
            ""
        } else {
            "---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
        };
        let raw = format!(
            "From: A <a@x>\nSubject: {subject}\nTo: bpf@vger.kernel.org\n\nWhy, and Changes in v2: x.\n\nSigned-off-by: A <a@x>\n{diff}"
        );
        Ok(Item::from_email(subject, Email::parse(raw.as_bytes(), 1)?))
    }

    /// The sending rules need a repository (the log is kept in one); this one knows nothing.
    struct NoFacts;
    impl crate::repo::RepoFacts for NoFacts {
        fn resolve_all(&self, ids: &[&str]) -> Vec<crate::repo::Resolved> {
            ids.iter()
                .map(|_| crate::repo::Resolved::Missing(String::new()))
                .collect()
        }
        fn ancestors(&self, qs: &[crate::repo::AncestryQuery<'_>]) -> Vec<Option<bool>> {
            qs.iter().map(|_| None).collect()
        }
        fn release_tags(&self) -> Vec<String> {
            Vec::new()
        }
    }

    fn rules(items: &[Item], facts: &SendFacts) -> Vec<RuleId> {
        let cx = Context {
            whole_send: true,
            send: Some(facts),
            repo: Some(&NoFacts),
            ..Context::default()
        };
        check(items, &cx, &Config::default())
            .into_iter()
            .map(|d| d.rule)
            .filter(|r| {
                [
                    RuleId::RepostTooSoon,
                    RuleId::VersionSequence,
                    RuleId::NewVersionThread,
                ]
                .contains(r)
            })
            .collect()
    }

    #[test]
    fn the_log_decides_reposts_and_versions() -> Result<(), EmailError> {
        let v1 = vec![
            mail("[PATCH bpf-next 0/2] bpf: Foo")?,
            mail("[PATCH bpf-next 1/2] bpf: Add foo")?,
            mail("[PATCH bpf-next 2/2] selftests/bpf: Test foo")?,
        ];
        let sent = SentEntry::of(&v1, 1000, Some("<v1@x>".into()));
        // A v2 with a new cover title and one reworded patch is the same series.
        let v2 = vec![
            mail("[PATCH bpf-next v2 0/2] bpf: Support foo")?,
            mail("[PATCH bpf-next v2 1/2] bpf: Add foo")?,
            mail("[PATCH bpf-next v2 2/2] selftests/bpf: Cover foo")?,
        ];
        let mut facts = SendFacts {
            now: 1000 + 3600,
            sent: vec![sent],
            ..SendFacts::default()
        };
        assert_eq!(rules(&v2, &facts), [RuleId::RepostTooSoon]);
        facts.now += DAY;
        assert!(rules(&v2, &facts).is_empty());
        let mut threaded = v2.clone();
        threaded[0].in_reply_to = Some("<v1@x>".into());
        assert_eq!(rules(&threaded, &facts), [RuleId::NewVersionThread]);
        assert_eq!(rules(&v1, &facts), [RuleId::VersionSequence]);
        let other = vec![mail("[PATCH bpf-next] bpf: Something else")?];
        assert!(rules(&other, &facts).is_empty());
        // v2 sent; the same v2 again is reported unless it is marked as a resend, and a
        // resend is still timed.
        let sent_v2 = SentEntry::of(&v2, facts.now, Some("<v2@x>".into()));
        facts.sent.push(sent_v2);
        let resend: Vec<Item> = [
            "[PATCH RESEND bpf-next v2 0/2] bpf: Support foo",
            "[PATCH RESEND bpf-next v2 1/2] bpf: Add foo",
            "[PATCH RESEND bpf-next v2 2/2] selftests/bpf: Cover foo",
        ]
        .into_iter()
        .map(mail)
        .collect::<Result<_, _>>()?;
        facts.now += DAY;
        assert_eq!(rules(&v2, &facts), [RuleId::VersionSequence]);
        assert!(rules(&resend, &facts).is_empty());
        facts.now -= DAY - 60;
        assert_eq!(rules(&resend, &facts), [RuleId::RepostTooSoon]);
        Ok(())
    }
}
