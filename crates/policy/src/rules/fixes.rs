//! The Fixes: tag rules: required for fixes trees, advised for fixes elsewhere, well formed
//! (read once in [`crate::fixes_tag`]), naming a commit in this history, and sent to the tree
//! that has the bug.

use std::sync::LazyLock;

use regex::Regex;

use super::subject::tree_said;
use super::{Check, Q_MIN, Rule, RuleId};
use super::{Context, Out, TreeFrom};
use crate::fixes_tag::FixesTag;
use crate::item::{FileChange, Item, ItemKind, only_tests_or_docs};
use crate::message::Line;
use crate::repo::{AncestryQuery, Resolved, short_id};
use crate::tree::TreeKind;

const HOW: &str = "git log -1 --format='Fixes: %h (\"%s\")' --abbrev=12 <commit>";

/// The files an item changes: its own, or for a bare commit message, those of the commit
/// being recorded when the repository knows them.
fn files_of<'a>(item: &'a Item, cx: &Context<'a>) -> Option<&'a [FileChange]> {
    match &item.files {
        Some(f) => Some(f),
        None if item.kind == ItemKind::Message => cx.repo.and_then(|r| r.pending_files()),
        None => None,
    }
}

/// A Fixes: tag, well-formed or not (a colonless one is fixes-format's to report).
fn has_fixes(item: &Item) -> bool {
    !item.message.fixes.is_empty()
}

static SAYS_FIX: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(r"(?i)^(?:[^:]*:\s*)*(?:fix|fixes|fixed|fixing|fixup)\b").unwrap()
});

/// fixes-required: its definition (documentation and default severity) and check.
pub(super) static FIXES_REQUIRED: Rule = rule!(RuleId::FixesRequired, Error, Check::Item(fixes_required), repo: false,
    section: Q_MIN,
    summary: "a patch for a fixes tree (bpf, net) must carry a Fixes: tag",
    explanation: "Fixes sent to the bpf tree must name the commit they fix, so follow-ups can be \
found and backports made. Every patch of a fixes series is checked, except patches that only touch \
tools/testing/selftests/, Documentation/, MAINTAINERS or (iproute2) man/ (tests and docs that go \
with a fix), and cover letters. If the patch is not a fix, it belongs in bpf-next. iproute2 master \
is not fixes-only: a \"Fix ...\" there gets fixes-advised. A \"Fixes commit 0123... (...)\" line \
is a malformed tag (fixes-format), not a missing one.",
    bad: "Subject: [PATCH bpf] bpf: Fix a refcount leak\n\n...\nSigned-off-by: A U Thor <author@example.org>",
    good: "...\nFixes: 0123456789ab (\"bpf: Add map refcounting\")\nSigned-off-by: A U Thor <author@example.org>");

/// fixes-required
pub(super) fn fixes_required(item: &Item, cx: &Context<'_>, out: &mut Out<'_>) {
    if item.is_cover || has_fixes(item) {
        return;
    }
    // iproute2's man pages are its documentation.
    let iproute2 = |t: Option<crate::tree::Tree>| {
        t.is_some_and(|t| {
            matches!(
                t,
                crate::tree::Tree::Iproute2 | crate::tree::Tree::Iproute2Next
            )
        })
    };
    if (iproute2(item.prefix.as_ref().and_then(|p| p.tree)) || iproute2(cx.tree.map(|t| t.0)))
        && files_of(item, cx).is_some_and(|f| {
            !f.is_empty()
                && f.iter().all(|c| {
                    c.path.starts_with("man/")
                        || c.path.starts_with("testsuite/")
                        || c.path.starts_with("Documentation/")
                })
        })
    {
        return;
    }
    // A patch whose own subject names a fixes tree goes there, whatever the repository is
    // set to (subject-tree reports the disagreement), so either one asks for Fixes:.
    let own = item
        .prefix
        .as_ref()
        .and_then(|p| p.tree)
        .map(|t| (t, TreeFrom::Subject));
    let Some((tree, from)) = [cx.tree_for(item), own]
        .into_iter()
        .flatten()
        .find(|(t, _)| t.kind() == TreeKind::Fixes)
    else {
        return;
    };
    // Asked last: for a commit being made, the files come from the index (a walk of it
    // against the parent), which only this exemption needs.
    if files_of(item, cx).is_some_and(only_tests_or_docs) {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        format!("no Fixes: tag, and the target is {}", tree_said(tree, &from)),
        Some(format!(
            "name the commit that introduced the bug above the Signed-off-by: lines, as `{HOW}` prints it; \
             if this is not a fix, it goes to {} instead",
            tree.counterpart()
        )),
    );
}

/// fixes-advised: its definition (documentation and default severity) and check.
pub(super) static FIXES_ADVISED: Rule = rule!(RuleId::FixesAdvised, Warning, Check::Item(fixes_advised), repo: false,
    section: Q_MIN,
    summary: "a patch that says it fixes something has no Fixes: tag",
    explanation: "Fixes that target bpf-next also need a Fixes: tag when the broken commit is already \
in net-next or bpf-next. When the tree is a features tree, iproute2 master, or unknown and the \
summary starts with \"Fix\", name the commit being fixed, unless it fixes no particular commit (a \
typo, a warning).",
    bad: "libbpf: Fix the error path of btf__load()",
    good: "libbpf: Fix the error path of btf__load()\n\n...\nFixes: 0123456789ab (\"libbpf: Add btf__load()\")");

/// fixes-advised
pub(super) fn fixes_advised(item: &Item, cx: &Context<'_>, out: &mut Out<'_>) {
    if item.is_cover
        || has_fixes(item)
        || !super::message::contains_ignore_case(&item.message.subject, "fix")
        || !SAYS_FIX.is_match(&item.message.subject)
    {
        return;
    }
    let tree = cx.tree_for(item);
    if tree.is_some_and(|(t, _)| t.kind() == TreeKind::Fixes) {
        return; // fixes-required speaks
    }
    let msg = match tree {
        Some((t, from)) => format!(
            "the summary says it fixes something but there is no Fixes: tag (target: {})",
            tree_said(t, &from)
        ),
        None => "the summary says it fixes something but there is no Fixes: tag".to_owned(),
    };
    out.fail(
        item,
        Some(&item.subject_line()),
        msg,
        Some(format!(
            "if a commit introduced the bug (in bpf, bpf-next, net or net-next), add `Fixes: <id> (\"<subject>\")` \
             as `{HOW}` prints it; fixes of no particular commit (typos, warnings) need none"
        )),
    );
}

/// fixes-format: its definition (documentation and default severity) and check.
pub(super) static FIXES_FORMAT: Rule = rule!(RuleId::FixesFormat, Error, Check::Item(fixes_format), repo: false, kernel_wide: true,
    section: Q_MIN,
    summary: "Fixes: <12+ lower-case hex digits> (\"<subject of that commit>\")",
    explanation: "A Fixes: tag names the commit by an id of at least 12 hex digits and its subject \
in parentheses and double quotes, as `git log -1 --format='Fixes: %h (\"%s\")' --abbrev=12 <id>` \
prints it. Errors: a short id, no id, the word \"commit\" before it, no title, id and title run \
together. Warnings: an unquoted title, text after the closing `\")`, upper-case hex.",
    bad: "Fixes: commit 0123456 bpf: Add map refcounting",
    good: "Fixes: 0123456789ab (\"bpf: Add map refcounting\")");

/// fixes-format
pub(super) fn fixes_format(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    for tag in &item.message.fixes {
        let line = Some(&tag.line);
        if !tag.colon {
            let help = match tag.id.as_deref().filter(|id| id.len() >= 12) {
                Some(id) => format!(
                    "Fixes: {} (\"{}\")",
                    id.to_ascii_lowercase(),
                    tag.title.as_deref().unwrap_or("<subject of that commit>")
                ),
                None => format!("write it as `{HOW}` prints it"),
            };
            out.fail(
                item,
                line,
                "malformed Fixes: tag: no colon after 'Fixes', so tools do not see it".into(),
                Some(help),
            );
            continue;
        }
        let help = Some(tag.corrected().unwrap_or_else(|| {
            format!(
                "write it as `{HOW}` prints it: Fixes: 0123456789ab (\"subsys: Subject of the commit\")"
            )
        }));
        let id = tag.id.as_deref().unwrap_or("");
        for problem in &tag.problems {
            if problem.is_error() {
                out.fail(
                    item,
                    line,
                    format!("malformed Fixes: tag: {}", problem.describe(id)),
                    help.clone(),
                );
            } else {
                out.soft(
                    item,
                    line,
                    format!("Fixes: tag: {}", problem.describe(id)),
                    help.clone(),
                );
            }
        }
    }
}

/// Compare a quoted title with the real subject: a prefix is fine, `...`/`…` mark a cut,
/// typographic quotes count as plain ones, and white space is folded.
pub(crate) fn title_matches(title: &str, subject: &str) -> bool {
    let norm = |s: &str| {
        s.replace(['“', '”', '„'], "\"")
            .replace(['‘', '’'], "'")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let t = norm(title);
    let s = norm(subject);
    let t = t.trim_end_matches("...").trim_end_matches('…').trim_end();
    !t.is_empty() && (s == t || s.starts_with(t))
}

/// One `Fixes:` tag of an item that fixes-commit verifies.
struct Tag<'i> {
    item: &'i Item,
    tag: &'i FixesTag,
    /// The id asked about (lower-case).
    id: String,
}

/// fixes-commit: its definition (documentation and default severity) and check.
pub(super) static FIXES_COMMIT: Rule = rule!(RuleId::FixesCommit, Error, Check::Items(fixes_commit), repo: true, kernel_wide: true,
    section: Q_MIN,
    summary: "the Fixes: id must name one commit of this repository, with that subject, in history",
    explanation: "With a repository at hand, each Fixes: id must resolve to exactly one commit, its \
quoted title must match that commit's subject (a prefix, `...` and typographic quotes are fine), and \
the commit must be an ancestor of the one being checked. The title is compared as fixes-format \
read it, so ('...') quoting or a missing ) is a format warning, never a mismatch. An id this \
repository does not have (a shallow clone, another tree) cannot be verified and gives a warning \
that says so. When the check had to read 50,000 commits or more because the repository has no \
commit-graph, a note says how to write one.",
    bad: "Fixes: 0123456789ab (\"bpf: A subject that commit does not have\")",
    good: "git log -1 --format='Fixes: %h (\"%s\")' --abbrev=12 0123456789ab");

/// fixes-commit. Every tag of every item is gathered first and the repository asked once for
/// all ids and once for all ancestry questions: one history walk answers them together.
pub(super) fn fixes_commit(items: &[&Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(repo) = cx.repo else { return };
    let mut tags = Vec::new();
    for &item in items {
        for tag in item.message.fixes_tags() {
            if let Some(id) = tag.target() {
                tags.push(Tag { item, tag, id });
            }
        }
    }
    if tags.is_empty() {
        return;
    }
    let ids: Vec<&str> = tags.iter().map(|t| t.id.as_str()).collect();
    let resolved = repo.resolve_all(&ids);
    let queries: Vec<AncestryQuery<'_>> = tags
        .iter()
        .zip(&resolved)
        .filter_map(|(t, r)| match r {
            Resolved::Commit(c) => Some(AncestryQuery {
                ancestor: &c.id,
                descendant: t.item.commit_id.as_deref(),
            }),
            _ => None,
        })
        .collect();
    let mut ancestry = repo.ancestors(&queries).into_iter();
    if let (Some(read), Some(first)) = (repo.long_walk(), tags.first()) {
        out.note(
            first.item,
            Some(&first.tag.line),
            format!(
                "checking that the Fixes: targets are in this commit's history read {read} \
                 commits one by one: this repository has no commit-graph"
            ),
            Some(
                "run `git commit-graph write --reachable` once (and `git config \
                 fetch.writeCommitGraph true` to keep it current): git and this check then read \
                 history several times faster"
                    .into(),
            ),
        );
    }
    for (tag, resolved) in tags.iter().zip(&resolved) {
        let (item, line, id) = (tag.item, Some(&tag.tag.line), &tag.id);
        match resolved {
            Resolved::Commit(c) => {
                let good = format!("Fixes: {} (\"{}\")", short_id(&c.id), c.subject);
                if let Some(title) = &tag.tag.title
                    && !title_matches(title, &c.subject)
                {
                    out.fail(
                        item,
                        line,
                        format!("the Fixes: title does not match commit {}: its subject is \"{}\"", short_id(&c.id), c.subject),
                        Some(good.clone()),
                    );
                }
                let descendant = item.commit_id.as_deref();
                if ancestry.next().flatten() == Some(false) {
                    out.fail(
                        item,
                        line,
                        format!(
                            "commit {} is not an ancestor of {}: the fix would not apply on top of it",
                            short_id(&c.id),
                            descendant.map_or("HEAD", short_id)
                        ),
                        Some("name the commit that introduced the bug in the history this patch is based on".into()),
                    );
                }
            }
            Resolved::Ambiguous(cands) => out.fail(
                item,
                line,
                format!("the id '{id}' is ambiguous: {} objects start with it", cands.len().max(2)),
                Some(
                    std::iter::once("use 12 or more hex digits; candidates:".to_owned())
                        .chain(cands.iter().map(|c| format!("  Fixes: {} (\"{}\")", short_id(&c.id), c.subject)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
            ),
            Resolved::NotACommit => out.fail(
                item,
                line,
                format!("'{id}' names an object that is not a commit"),
                Some(format!("use the id of the commit that introduced the bug: `{HOW}`")),
            ),
            Resolved::Missing(why) => out.soft(
                item,
                line,
                format!("could not verify the Fixes: tag: {id} is {why}"),
                Some("fetch the tree that has the commit (bpf, bpf-next, net, net-next or mainline) to have it checked".into()),
            ),
            Resolved::Unavailable(why) => out.soft(
                item,
                line,
                format!("could not verify the Fixes: tag: {why}"),
                None,
            ),
        }
    }
}

/// fixes-tree: its definition (documentation and default severity) and check.
pub(super) static FIXES_TREE: Rule = rule!(RuleId::FixesTree, Warning, Check::Item(fixes_tree), repo: true,
    section: Q_MIN,
    summary: "a fix sent to bpf (net) for a commit that is only in -next belongs in bpf-next (net-next)",
    explanation: "Fixes go to bpf (net) when the bug is in a released kernel or in the fixes tree; \
\"the same applies to fixes that target bpf-next, where the affected commit is in net-next (or in \
some cases bpf-next)\". When every Fixes: target of a [PATCH bpf] or [PATCH net] fix is in no mainline \
release tag (vX.Y, vX.Y-rcN) and not on a remote-tracking branch of bpf.git (net.git), the broken \
commit exists only in -next, and so must the fix. Judged from the tags and remote-tracking refs the \
repository has; silent when it has neither (fetch mainline tags to have it checked).",
    bad: "[PATCH bpf] ... Fixes: <a commit only on bpf-next/master>",
    good: "[PATCH bpf-next] ... Fixes: <a commit only on bpf-next/master>");

/// fixes-tree
pub(super) fn fixes_tree(item: &Item, cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(repo) = cx.repo else { return };
    if item.is_cover {
        return;
    }
    // The patch's own prefix says where it is sent; the repository's tree when it has none.
    let Some(tree) = cx.sent_to(item) else {
        return;
    };
    if tree.kind() != TreeKind::Fixes {
        return;
    }
    let mut only_next: Vec<(String, String)> = Vec::new();
    let mut first_line: Option<Line> = None;
    // Every id of the item in one question to the repository.
    let tags: Vec<(&FixesTag, String)> = item
        .message
        .fixes_tags()
        .filter_map(|tag| Some((tag, tag.target()?)))
        .collect();
    let ids: Vec<&str> = tags.iter().map(|(_, id)| id.as_str()).collect();
    let resolved = repo.resolve_all(&ids);
    for ((tag, _), resolved) in tags.iter().zip(resolved) {
        let Resolved::Commit(c) = resolved else {
            // Unresolvable ids are fixes-commit's to report; this one cannot be judged.
            return;
        };
        let reach = repo.reach(&c.id, tree);
        let known = |x: &Option<(bool, String)>| x.as_ref().is_some_and(|(v, _)| *v);
        if known(&reach.release) || known(&reach.tree_branch) {
            return; // released, or on the fixes tree: a fix for the fixes tree
        }
        let looked: Vec<String> = [reach.release, reach.tree_branch]
            .into_iter()
            .flatten()
            .map(|(_, what)| what)
            .collect();
        if looked.is_empty() {
            return; // no tags and no tree refs: nothing to judge by
        }
        first_line.get_or_insert_with(|| tag.line.clone());
        only_next.push((short_id(&c.id).to_owned(), looked.join(" and ")));
    }
    if only_next.is_empty() {
        return;
    }
    let next = tree.counterpart();
    let what = only_next
        .iter()
        .map(|(id, looked)| format!("{id} is not in {looked}"))
        .collect::<Vec<_>>()
        .join("; ");
    out.fail(
        item,
        first_line.as_ref(),
        format!("this {tree} fix is for a commit that exists only in -next: {what}"),
        Some(format!(
            "send it to {next} (--subject-prefix='{}'): fixes go to the tree that has the bug; \
             if mainline tags or the {tree} branch are stale here, fetch them",
            next.subject_prefix()
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tree_asks_for_fixes_even_when_the_repository_says_features()
    -> Result<(), crate::email::EmailError> {
        use crate::email::Email;
        use crate::tree::TreeSource;
        use crate::{Config, Item, check};
        let raw = "From: A <a@b>\nSubject: [PATCH bpf] bpf: Fix x\n\nWhy.\n\nSigned-off-by: A <a@b>\n---\ndiff --git a/k.c b/k.c\n--- a/k.c\n+++ b/k.c\n@@ -1 +1 @@\n-a\n+b\n";
        let item = Item::from_email("p", Email::parse(raw.as_bytes(), 1)?);
        let source = TreeSource::Config;
        let cx = Context {
            tree: Some((crate::tree::Tree::BpfNext, &source)),
            ..Context::default()
        };
        let rules: Vec<_> = check(&[item], &cx, &Config::default())
            .into_iter()
            .map(|d| (d.rule, d.severity))
            .collect();
        assert!(
            rules.contains(&(RuleId::FixesRequired, crate::Severity::Error)),
            "{rules:?}"
        );
        assert!(
            rules.contains(&(RuleId::SubjectTree, crate::Severity::Warning)),
            "{rules:?}"
        );
        Ok(())
    }

    /// A repository where `aaaa...` ids are commits, `bbbb...` ancestors of nothing, `cccc`
    /// ambiguous; it counts how often it is asked.
    struct Counting {
        calls: std::cell::RefCell<(usize, usize)>,
    }

    impl crate::repo::RepoFacts for Counting {
        fn resolve_all(&self, ids: &[&str]) -> Vec<Resolved> {
            self.calls.borrow_mut().0 += 1;
            ids.iter()
                .map(|id| match &id[..4] {
                    "aaaa" | "bbbb" => Resolved::Commit(crate::repo::CommitInfo {
                        id: format!("{id:0<40}"),
                        subject: "bpf: Add x".into(),
                    }),
                    "cccc" => Resolved::Ambiguous(Vec::new()),
                    _ => Resolved::Missing("not here".into()),
                })
                .collect()
        }
        fn ancestors(&self, queries: &[AncestryQuery<'_>]) -> Vec<Option<bool>> {
            self.calls.borrow_mut().1 += 1;
            queries
                .iter()
                .map(|q| Some(q.ancestor.starts_with("aaaa") && q.descendant.is_some()))
                .collect()
        }
        fn release_tags(&self) -> Vec<String> {
            Vec::new()
        }
    }

    #[test]
    fn every_tag_of_every_item_in_one_question_each() {
        use crate::item::Ident;
        use crate::{Config, Item, check};
        let items: Vec<Item> = (0..3)
            .map(|n| {
                let msg = format!(
                    "bpf: Fix {n}\n\nWhy.\n\nFixes: aaaa{n}56789ab (\"bpf: Add x\")\nFixes: bbbb{n}56789ab (\"bpf: Add x\")\nFixes: cccc{n}56789ab (\"bpf: Add x\")\nSigned-off-by: A <a@b>\n"
                );
                let id = format!("{n:0>40}");
                Item::from_commit(&id, msg.as_bytes(), Ident::parse("A <a@b>"), Vec::new(), 1)
            })
            .collect();
        let repo = Counting {
            calls: Default::default(),
        };
        let cx = Context {
            tree: None,
            repo: Some(&repo),
            ..Context::default()
        };
        let found: Vec<(String, Option<usize>)> = check(&items, &cx, &Config::default())
            .into_iter()
            .filter(|d| d.rule == RuleId::FixesCommit)
            .map(|d| (d.message, d.line))
            .collect();
        assert_eq!(*repo.calls.borrow(), (1, 1), "{found:#?}");
        // Per item: bbbb is not an ancestor, cccc is ambiguous; aaaa passes.
        assert_eq!(found.len(), 6, "{found:#?}");
        for n in 0..3 {
            assert!(
                found
                    .iter()
                    .any(|(m, l)| m.contains(&format!("bbbb{n}56789ab"))
                        && m.contains("not an ancestor")
                        && *l == Some(6)),
                "{found:#?}"
            );
            assert!(
                found
                    .iter()
                    .any(|(m, l)| m.contains(&format!("cccc{n}56789ab"))
                        && m.contains("ambiguous")
                        && *l == Some(7)),
                "{found:#?}"
            );
        }
    }

    #[test]
    fn titles() {
        assert!(title_matches("bpf: Add map", "bpf: Add map"));
        assert!(title_matches(
            "bpf: Add a very long ...",
            "bpf: Add a very long subject"
        ));
        assert!(title_matches("bpf: “quoted”", "bpf: \"quoted\""));
        assert!(!title_matches("bpf: Add maps", "bpf: Add map"));
        assert!(!title_matches("", "bpf: Add map"));
    }
}
