//! The rule table: every rule's id, default severity, documentation and check function.
//!
//! One static table drives checking, `bpf-policy rules`, `bpf-policy explain` and the README's
//! rule list, so documentation cannot drift from behaviour. Each check is a plain function;
//! item checks see one message or email, series checks see everything sent together.

mod content;
#[cfg(test)]
mod examples;
mod fixes;
mod message;
mod pull;
mod recipients;
mod sending;
mod series;
mod subject;

use std::collections::HashMap;

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::item::{Item, ItemKind};
use crate::message::Line;
use crate::repo::RepoFacts;
use crate::sent::SendFacts;
use crate::tree::{Tree, TreeSource};

pub(crate) use fixes::target_id as fixes_target_id;

/// A rule's documentation.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// The section of Documentation/bpf/bpf_devel_QA.rst (or Documentation/process) it
    /// comes from.
    pub section: &'static str,
    /// Why, and how to fix it.
    pub explanation: &'static str,
    /// A subject or message that breaks the rule.
    pub bad: &'static str,
    /// The same, fixed.
    pub good: &'static str,
    /// Whether it needs a repository (it stays silent without one).
    pub needs_repo: bool,
    /// A kernel-wide rule (Documentation/process): it also judges patches of other
    /// subsystems, which the BPF and netdev rules leave alone (POLICY.md, Scope).
    pub kernel_wide: bool,
}

/// How a rule looks at its input.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// One item at a time.
    Item(fn(&Item, &Context<'_>, &mut Out<'_>)),
    /// Every item the rule applies to, at once, reported per item like [`Check::Item`]: for
    /// rules that ask the repository, so that one batch of questions serves them all.
    Items(fn(&[&Item], &Context<'_>, &mut Out<'_>)),
    /// The whole series at once.
    Series(fn(&[Item], &Context<'_>, &mut Out<'_>)),
}

/// A rule: its documentation and its check.
#[derive(Debug)]
pub struct Rule {
    /// Documentation.
    pub info: RuleInfo,
    /// The check.
    pub check: Check,
}

/// What the rules know beyond the input itself.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// The target tree and where it came from, when known from outside the patch.
    pub tree: Option<(Tree, &'a TreeSource)>,
    /// The repository, when there is one.
    pub repo: Option<&'a dyn RepoFacts>,
    /// The items are everything one send carries (git send-email's whole run), so a lone
    /// part of an `n/m` series is a partial resend. Elsewhere (`check` of one file, b4's
    /// one patch at a time) a lone part is judged by item rules only.
    pub whole_send: bool,
    /// What sendemail-validate knows about this send (send log, clock, thread, target
    /// tree); the sending rules stay silent without it.
    pub send: Option<&'a SendFacts>,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("tree", &self.tree)
            .field("repo", &self.repo.is_some())
            .field("whole_send", &self.whole_send)
            .field("send", &self.send.is_some())
            .finish()
    }
}

/// The source a tree was taken from, for messages.
#[derive(Debug, Clone, Copy)]
pub enum TreeFrom<'a> {
    /// From outside the patch (option, config, repository).
    Context(&'a TreeSource),
    /// From the patch's own subject prefix.
    Subject,
}

impl std::fmt::Display for TreeFrom<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TreeFrom::Context(s) => write!(f, "{s}"),
            TreeFrom::Subject => f.write_str("the subject prefix"),
        }
    }
}

impl<'a> Context<'a> {
    /// The tree an item targets: the context's, else its own subject prefix's.
    pub fn tree_for(&self, item: &Item) -> Option<(Tree, TreeFrom<'a>)> {
        if let Some((t, s)) = self.tree {
            return Some((t, TreeFrom::Context(s)));
        }
        item.prefix
            .as_ref()
            .and_then(|p| p.tree)
            .map(|t| (t, TreeFrom::Subject))
    }
}

impl Context<'_> {
    /// The tree a patch is sent to: its own subject prefix's, else the context's. Rules about
    /// where and how a patch is posted (lists, cover letters, stable, merge window) follow the
    /// patch; subject-tree reports when it disagrees with the repository.
    pub fn sent_to(&self, item: &Item) -> Option<Tree> {
        item.prefix
            .as_ref()
            .and_then(|p| p.tree)
            .or_else(|| self.tree.map(|t| t.0))
    }
}

/// Where findings go; knows the rule being run and the configuration.
#[derive(Debug)]
pub struct Out<'a> {
    info: &'static RuleInfo,
    cfg: &'a Config,
    diags: &'a mut Vec<Diagnostic>,
}

impl Out<'_> {
    /// Report at the rule's default severity.
    pub fn fail(
        &mut self,
        item: &Item,
        line: Option<&Line>,
        message: String,
        help: Option<String>,
    ) {
        self.emit(self.info.severity, item, line, message, help);
    }

    /// Report as a note, whatever the rule's severity (something it could not check).
    pub fn note(
        &mut self,
        item: &Item,
        line: Option<&Line>,
        message: String,
        help: Option<String>,
    ) {
        self.emit(Severity::Note, item, line, message, help);
    }

    /// Report one step below the rule's default (the lenient half of a mixed rule).
    pub fn soft(
        &mut self,
        item: &Item,
        line: Option<&Line>,
        message: String,
        help: Option<String>,
    ) {
        let s = match self.info.severity {
            Severity::Error => Severity::Warning,
            _ => Severity::Note,
        };
        self.emit(s, item, line, message, help);
    }

    fn emit(
        &mut self,
        finding: Severity,
        item: &Item,
        line: Option<&Line>,
        message: String,
        mut help: Option<String>,
    ) {
        let Some(severity) = self.cfg.grade(self.info, finding) else {
            return;
        };
        let snippet = line.map(|l| l.text.clone()).filter(|t| !t.is_empty());
        if item.message.lossy && snippet.as_deref().is_some_and(|s| s.contains('\u{FFFD}')) {
            let note = "this line held bytes that are not UTF-8; they are shown as \u{FFFD}";
            help = Some(match help {
                Some(h) => format!("{h}\n{note}"),
                None => note.to_owned(),
            });
        }
        self.diags.push(Diagnostic {
            rule: self.info.id,
            severity,
            file: item.origin.clone(),
            line: line.map(|l| l.no).filter(|&n| n > 0),
            message,
            help,
            snippet,
        });
    }
}

/// Which rules to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every rule.
    All,
    /// Only rules that look at one item at a time (a hook that sees one email per call).
    Items,
    /// Only rules over the whole series (once every email has been seen).
    Series,
}

/// Check a series (or a single item) against every enabled rule. Diagnostics come back in
/// input order, then by line.
pub fn check(items: &[Item], cx: &Context<'_>, cfg: &Config) -> Vec<Diagnostic> {
    check_scoped(items, cx, cfg, Scope::All)
}

/// [`check`] limited to item rules or series rules.
pub fn check_scoped(
    items: &[Item],
    cx: &Context<'_>,
    cfg: &Config,
    scope: Scope,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Other subsystems' patches get the kernel-wide rules only, and pull requests only
    // pull-request-subject; series rules see the BPF and netdev patches of the series.
    let decisions = crate::scope::Scoper::new(cx).classify_series(items);
    let governed = |i: usize| decisions.get(i).is_none_or(|d| d.in_scope);
    let series_items: std::borrow::Cow<'_, [Item]> = if items
        .iter()
        .enumerate()
        .all(|(n, i)| governed(n) && !i.pull_request)
    {
        std::borrow::Cow::Borrowed(items)
    } else {
        std::borrow::Cow::Owned(
            items
                .iter()
                .enumerate()
                .filter(|(n, i)| governed(*n) && !i.pull_request)
                .map(|(_, i)| i.clone())
                .collect(),
        )
    };
    for rule in RULES {
        if !cfg.enabled(&rule.info) || (rule.info.needs_repo && cx.repo.is_none()) {
            continue;
        }
        let wanted = matches!(
            (scope, rule.check),
            (Scope::All, _)
                | (Scope::Items, Check::Item(_) | Check::Items(_))
                | (Scope::Series, Check::Series(_))
        );
        if !wanted {
            continue;
        }
        let mut out = Out {
            info: &rule.info,
            cfg,
            diags: &mut diags,
        };
        match rule.check {
            Check::Item(f) => {
                for (n, item) in items.iter().enumerate() {
                    let wanted = if item.pull_request {
                        rule.info.id == "pull-request-subject"
                    } else {
                        (governed(n) || rule.info.kernel_wide) && applies(rule, item)
                    };
                    if wanted {
                        f(item, cx, &mut out);
                    }
                }
            }
            Check::Series(f) => {
                if !series_items.is_empty() {
                    f(&series_items, cx, &mut out)
                }
            }
            Check::Items(f) => {
                // The same selection as Check::Item, handed over at once.
                let applicable: Vec<&Item> = items
                    .iter()
                    .enumerate()
                    .filter(|(n, item)| {
                        if item.pull_request {
                            rule.info.id == "pull-request-subject"
                        } else {
                            (governed(*n) || rule.info.kernel_wide) && applies(rule, item)
                        }
                    })
                    .map(|(_, item)| item)
                    .collect();
                if !applicable.is_empty() {
                    f(&applicable, cx, &mut out);
                }
            }
        }
    }
    // Each input's first position, looked up once: a scan of the items per comparison made
    // sorting the findings of thousands of patch files quadratic.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        first.entry(item.origin.as_str()).or_insert(i);
    }
    let order = |d: &Diagnostic| first.get(d.file.as_str()).copied();
    diags.sort_by(|a, b| {
        order(a)
            .cmp(&order(b))
            .then(a.line.unwrap_or(0).cmp(&b.line.unwrap_or(0)))
            .then(b.severity.cmp(&a.severity))
    });
    diags
}

/// The special cases of POLICY.md: merges get no message rules; `fixup!` commits are skipped
/// in a commit message and only `fixup-commit` speaks for them once pushed or sent.
fn applies(rule: &Rule, item: &Item) -> bool {
    if item.is_merge {
        return false;
    }
    if item.is_fixup() {
        return item.kind != ItemKind::Message && rule.info.id == "fixup-commit";
    }
    true
}

/// Items that are patches (not cover letters, merges or fixups).
pub(crate) fn patches(items: &[Item]) -> impl Iterator<Item = &Item> {
    items
        .iter()
        .filter(|i| !i.is_cover && !i.is_merge && !i.is_fixup())
}

macro_rules! rule {
    ($id:literal, $sev:ident, $check:expr, repo: $repo:literal,
     section: $section:expr, summary: $summary:literal,
     explanation: $expl:literal, bad: $bad:literal, good: $good:literal $(,)?) => {
        rule!($id, $sev, $check, repo: $repo, kernel_wide: false, section: $section,
            summary: $summary, explanation: $expl, bad: $bad, good: $good)
    };
    ($id:literal, $sev:ident, $check:expr, repo: $repo:literal, kernel_wide: $kw:literal,
     section: $section:expr, summary: $summary:literal,
     explanation: $expl:literal, bad: $bad:literal, good: $good:literal $(,)?) => {
        Rule {
            info: RuleInfo {
                id: $id,
                severity: Severity::$sev,
                summary: $summary,
                section: $section,
                explanation: $expl,
                bad: $bad,
                good: $good,
                needs_repo: $repo,
                kernel_wide: $kw,
            },
            check: $check,
        }
    };
}

const Q_TREE: &str =
    "How do I indicate which tree (bpf vs. bpf-next) my patch should be applied to?";
const Q_MIN: &str = "What is the minimum requirement before I submit my BPF patches?";
const Q_STABLE: &str = "The BPF patch I am about to submit needs to go to stable as well";
const Q_LIST: &str = "To which mailing list do I need to submit my BPF patches?";
const Q_BUGS: &str = "How do I report bugs for BPF kernel code?";
const Q_VERIFIER: &str = "Verifier changes and test cases";
const Q_JIT: &str = "Features changing BPF JIT and/or LLVM";
const Q_BPFTOOL: &str = "When should I add code to the bpftool?";
const Q_SAMPLES: &str = "samples/bpf preference vs selftests?";
const Q_MERGE_WINDOW: &str = "Are patches applied to bpf-next when the merge window is open?";
const Q_LINUX: &str = "How do the changes make their way into Linux?";
const NETDEV: &str =
    "Documentation/process/maintainer-netdev.rst (the netdev FAQ, which the BPF policy defers to)";
const PROCESS: &str = "Documentation/process/submitting-patches.rst (kernel-wide)";
const SIGN_OFF: &str = "Documentation/process/submitting-patches.rst, Sign your work (kernel-wide)";

/// Every rule, in documentation order.
pub static RULES: &[Rule] = &[
    rule!("subject-tree", Error, Check::Item(subject::tree), repo: false,
        section: Q_TREE,
        summary: "the subject prefix must name the target tree ([PATCH bpf] or [PATCH bpf-next])",
        explanation: "Maintainers route patches by the tree named in the subject prefix: bpf takes \
fixes only, bpf-next takes features, cleanups and improvements (net and net-next are fine when \
unsure; iproute2 patches say master or net-next). A prefix with no tree leaves them guessing. When \
the repository is set to one tree and the subject names a different one, that is reported as well.",
        bad: "Subject: [PATCH] bpf: Fix a refcount leak in map update",
        good: "git format-patch --subject-prefix='PATCH bpf' ...  ->  Subject: [PATCH bpf] bpf: Fix a refcount leak in map update"),
    rule!("subject-tree-unknown", Error, Check::Item(subject::tree_unknown), repo: false,
        section: Q_TREE,
        summary: "a prefix token looks like a tree name but is not one (bpf_next, BPF-NEXT, netnext)",
        explanation: "Tree names are exact: bpf, bpf-next, net, net-next, bpf-next/net (bpf-next's \
networking branch), iproute2 master / net-next (iproute2-next). Misspelt names are not recognised \
by maintainers' tooling. Other subsystems' trees (nf-next, wireless-next, mptcp-next, ...) are not \
misspellings: they make the patch another subsystem's, judged by the kernel-wide rules alone. Two \
other trees in one token (bpf/net) are ambiguous and reported as a warning; two separate tree \
tokens are an error.",
        bad: "Subject: [PATCH bpf_next v2 1/3] libbpf: Add a getter",
        good: "Subject: [PATCH bpf-next v2 1/3] libbpf: Add a getter"),
    rule!("subject-version", Error, Check::Item(subject::version), repo: false,
        section: Q_TREE,
        summary: "the revision must be a well-formed vN inside the [PATCH ...] brackets",
        explanation: "Resent series carry their revision in the subject prefix, as `git format-patch \
-v2` writes it: lower-case v, a number from 1, in the same brackets as PATCH. `V2`, `v 2`, `ver2`, \
`v0`, `-v2`, a version in a separate bracket or at the start of the summary all break tooling that \
groups revisions. A counter like 4/3 is reported here too.",
        bad: "Subject: [PATCH bpf-next] [V2] bpf: Support foo",
        good: "git format-patch -v2 --subject-prefix='PATCH bpf-next'  ->  Subject: [PATCH bpf-next v2] bpf: Support foo"),
    rule!("subject-format", Warning, Check::Item(subject::format), repo: false,
        section: PROCESS,
        summary: "the summary should start with a subsystem prefix (bpf:, libbpf:, selftests/bpf:)",
        explanation: "Kernel subjects say which part of the tree they change before the colon: `bpf: `, \
`libbpf: `, `selftests/bpf: `, `bpf, x86: `, `tools headers UAPI: `. Reverts made by git are exempt.",
        bad: "Add support for foo in the verifier",
        good: "bpf: Add support for foo in the verifier"),
    rule!("fixes-required", Error, Check::Item(fixes::required), repo: false,
        section: Q_MIN,
        summary: "a patch for a fixes tree (bpf, net) must carry a Fixes: tag",
        explanation: "Fixes sent to the bpf tree must name the commit they fix, so follow-ups can be \
found and backports made. Every patch of a fixes series is checked, except patches that only touch \
tools/testing/selftests/, Documentation/, MAINTAINERS or (iproute2) man/ (tests and docs that go \
with a fix), and cover letters. If the patch is not a fix, it belongs in bpf-next. iproute2 master \
is not fixes-only: a \"Fix ...\" there gets fixes-advised. A \"Fixes commit 0123... (...)\" line \
is a malformed tag (fixes-format), not a missing one.",
        bad: "Subject: [PATCH bpf] bpf: Fix a refcount leak\n\n...\nSigned-off-by: A U Thor <author@example.org>",
        good: "...\nFixes: 0123456789ab (\"bpf: Add map refcounting\")\nSigned-off-by: A U Thor <author@example.org>"),
    rule!("fixes-advised", Warning, Check::Item(fixes::advised), repo: false,
        section: Q_MIN,
        summary: "a patch that says it fixes something has no Fixes: tag",
        explanation: "Fixes that target bpf-next also need a Fixes: tag when the broken commit is already \
in net-next or bpf-next. When the tree is a features tree, iproute2 master, or unknown and the \
summary starts with \"Fix\", name the commit being fixed, unless it fixes no particular commit (a \
typo, a warning).",
        bad: "libbpf: Fix the error path of btf__load()",
        good: "libbpf: Fix the error path of btf__load()\n\n...\nFixes: 0123456789ab (\"libbpf: Add btf__load()\")"),
    rule!("fixes-format", Error, Check::Item(fixes::format), repo: false, kernel_wide: true,
        section: Q_MIN,
        summary: "Fixes: <12+ lower-case hex digits> (\"<subject of that commit>\")",
        explanation: "A Fixes: tag names the commit by an id of at least 12 hex digits and its subject \
in parentheses and double quotes, as `git log -1 --format='Fixes: %h (\"%s\")' --abbrev=12 <id>` \
prints it. Errors: a short id, no id, the word \"commit\" before it, no title, id and title run \
together. Warnings: an unquoted title, text after the closing `\")`, upper-case hex.",
        bad: "Fixes: commit 0123456 bpf: Add map refcounting",
        good: "Fixes: 0123456789ab (\"bpf: Add map refcounting\")"),
    rule!("fixes-commit", Error, Check::Items(fixes::commit), repo: true, kernel_wide: true,
        section: Q_MIN,
        summary: "the Fixes: id must name one commit of this repository, with that subject, in history",
        explanation: "With a repository at hand, each Fixes: id must resolve to exactly one commit, its \
quoted title must match that commit's subject (a prefix, `...` and typographic quotes are fine), and \
the commit must be an ancestor of the one being checked. The title is compared as fixes-format \
read it, so ('...') quoting or a missing ) is a format warning, never a mismatch. An id this \
repository does not have (a shallow clone, another tree) cannot be verified and gives a warning \
that says so.",
        bad: "Fixes: 0123456789ab (\"bpf: A subject that commit does not have\")",
        good: "git log -1 --format='Fixes: %h (\"%s\")' --abbrev=12 0123456789ab"),
    rule!("fixes-tree", Warning, Check::Item(fixes::tree), repo: true,
        section: Q_MIN,
        summary: "a fix sent to bpf (net) for a commit that is only in -next belongs in bpf-next (net-next)",
        explanation: "Fixes go to bpf (net) when the bug is in a released kernel or in the fixes tree; \
\"the same applies to fixes that target bpf-next, where the affected commit is in net-next (or in \
some cases bpf-next)\". When every Fixes: target of a [PATCH bpf] or [PATCH net] fix is in no mainline \
release tag (vX.Y, vX.Y-rcN) and not on a remote-tracking branch of bpf.git (net.git), the broken \
commit exists only in -next, and so must the fix. Judged from the tags and remote-tracking refs the \
repository has; silent when it has neither (fetch mainline tags to have it checked).",
        bad: "[PATCH bpf] ... Fixes: <a commit only on bpf-next/master>",
        good: "[PATCH bpf-next] ... Fixes: <a commit only on bpf-next/master>"),
    rule!("message-empty", Error, Check::Item(message::empty), repo: false, kernel_wide: true,
        section: Q_MIN,
        summary: "the commit message must explain the change: not just a subject and tags",
        explanation: "Patches with an empty commit message are not accepted. Say why the change is \
made and what it is for, so someone reading the log later can follow the reasoning.",
        bad: "bpf: Fix typo\n\nSigned-off-by: A U Thor <author@example.org>",
        good: "bpf: Fix typo in the bpf_map_lookup_elem() comment\n\nThe comment says the helper returns 0 on \
success; it returns a pointer. Say so.\n\nSigned-off-by: A U Thor <author@example.org>"),
    rule!("signoff-missing", Error, Check::Item(message::signoff_missing), repo: false, kernel_wide: true,
        section: SIGN_OFF,
        summary: "the message has no Signed-off-by: trailer",
        explanation: "Every kernel patch carries the author's Developer's Certificate of Origin as a \
Signed-off-by: trailer. `git commit -s` adds it. A Signed-off-by: below a `---` line inside a commit \
message does not count: git format-patch keeps it below the patch's own `---`, and git am drops it.",
        bad: "bpf: Add foo\n\nExplanation.",
        good: "bpf: Add foo\n\nExplanation.\n\nSigned-off-by: A U Thor <author@example.org>"),
    rule!("signoff-author", Error, Check::Item(message::signoff_author), repo: false, kernel_wide: true,
        section: SIGN_OFF,
        summary: "the author (From:, or the commit author) has no Signed-off-by: of their own",
        explanation: "The person who wrote the patch must sign it off; others who handle it add their \
own line after it. The author's email is compared case-insensitively, or the name when an email \
differs. `git commit --amend -s` as the author fixes it.",
        bad: "From: A U Thor <author@example.org>\n...\nSigned-off-by: Someone Else <else@example.org>",
        good: "From: A U Thor <author@example.org>\n...\nSigned-off-by: A U Thor <author@example.org>"),
    rule!("trailer-typo", Error, Check::Item(message::trailer_typo), repo: false, kernel_wide: true,
        section: PROCESS,
        summary: "a misspelt trailer key (Signed-of-by:, Acked-By:, Fixes :)",
        explanation: "Tools that collect tags match trailer keys exactly. A misspelt key, the wrong \
capitalisation or a space before the colon makes the tag invisible to them.",
        bad: "Signed-of-by: A U Thor <author@example.org>",
        good: "Signed-off-by: A U Thor <author@example.org>"),
    rule!("no-stable-cc", Error, Check::Item(message::no_stable_cc), repo: false,
        section: Q_STABLE,
        summary: "never Cc: stable@vger.kernel.org in a BPF patch; ask the maintainers below the ---",
        explanation: "BPF patches do not carry Cc: stable. The maintainers queue fixes for stable \
themselves: ask them in a note under the `---` line of the patch (it does not reach the git log), \
or by mail. This applies to the message and to the email's To/Cc headers, for the BPF trees (bpf, \
bpf-next, bpf-next/net) and when the tree is unknown; net and net-next allow Cc: stable since 2021.",
        bad: "Cc: stable@vger.kernel.org",
        good: "---\nPlease queue this for stable: it fixes a crash on 6.6.\n"),
    rule!("series-cover-letter", Error, Check::Series(series::cover_letter), repo: false,
        section: Q_MIN,
        summary: "a series of more than one patch needs a cover letter (0/N)",
        explanation: "Series with more than one patch need a cover letter that describes the series as \
a whole; the maintainers put it into the merge commit. `git format-patch --cover-letter` or \
`b4 prep` makes one. BPF trees (and an unknown tree) ask from two patches; net, net-next and \
iproute2 from three (netdev's own check, NIPA's series_format, accepts two without one).",
        bad: "0001-bpf-one.patch 0002-bpf-two.patch",
        good: "git format-patch --cover-letter ...  ->  0000-cover-letter.patch 0001-... 0002-..."),
    rule!("series-too-long", Error, Check::Series(series::too_long), repo: false,
        section: NETDEV,
        summary: "a series of more than 15 patches is too long to post at once; break it up",
        explanation: "The netdev FAQ, which the BPF policy defers to: \"don't post large series \
(> 15 patches), break them up\". Reviewers cannot take in more at once. Send the first part, and \
the rest once it is applied.",
        bad: "[PATCH bpf-next 00/16] ... [PATCH bpf-next 16/16]",
        good: "[PATCH bpf-next 0/8] part one; part two after it is applied"),
    rule!("cover-letter-placeholder", Error, Check::Item(series::placeholder), repo: false,
        section: Q_MIN,
        summary: "the cover letter still holds *** SUBJECT HERE ***, *** BLURB HERE *** or EDITME",
        explanation: "`git format-patch --cover-letter` and `b4 prep` write placeholders for the title and \
description of the series. Replace them before sending.",
        bad: "Subject: [PATCH bpf-next 0/2] *** SUBJECT HERE ***",
        good: "Subject: [PATCH bpf-next 0/2] bpf: Support foo in the verifier"),
    rule!("cover-letter-empty", Error, Check::Item(series::cover_empty), repo: false,
        section: Q_MIN,
        summary: "the cover letter has no description beyond the shortlog and diffstat",
        explanation: "The cover letter's text becomes the merge commit message; it must give a high \
level description of what the series does and why.",
        bad: "A U Thor (2):\n  bpf: one\n  bpf: two\n\n 2 files changed, ...",
        good: "This series teaches the verifier foo, so that ...\n\nA U Thor (2):\n  bpf: one ..."),
    rule!("series-consistency", Error, Check::Series(series::consistency), repo: false,
        section: Q_TREE,
        summary: "patches of one series must agree on tree, revision and count, numbered without gaps",
        explanation: "A series is one unit: every patch names the same tree, revision (vN) and total \
(n/M), numbered 1..M without gaps or duplicates. A revised series is always sent whole, never as \
single patches on top of an earlier revision.",
        bad: "[PATCH bpf-next v2 1/3], [PATCH bpf-next v2 3/3]",
        good: "[PATCH bpf-next v2 0/3], [PATCH bpf-next v2 1/3], [PATCH bpf-next v2 2/3], [PATCH bpf-next v2 3/3]"),
    rule!("series-changelog", Warning, Check::Series(series::changelog), repo: false,
        section: Q_TREE,
        summary: "a v2+ posting should say what changed since the last revision",
        explanation: "Reviewers of a respin want to know what changed: add a changelog (`v1 -> v2: ...`, \
`Changes in v2:`) to the cover letter, or below the `---` line of a single patch.",
        bad: "Subject: [PATCH bpf-next v2] bpf: Support foo   (no changelog anywhere)",
        good: "---\nv1 -> v2:\n- use u32 for the counter (Alexei)\n"),
    rule!("changelog-placement", Warning, Check::Item(series::changelog_placement), repo: false,
        section: NETDEV,
        summary: "version notes (v2:, v1 -> v2, Changes in v2) go below the --- line, not in the message",
        explanation: "What changed between revisions is for reviewers, not for the git log: put it \
below the `---` line of the patch (git am drops what is there), or in the cover letter. Above the \
`---` it becomes part of the commit message when the patch is applied.",
        bad: "bpf: Support foo\n\nWhy.\n\nv1 -> v2: use u32\n\nSigned-off-by: A U Thor <author@example.org>",
        good: "bpf: Support foo\n\nWhy.\n\nSigned-off-by: A U Thor <author@example.org>\n---\nv1 -> v2: use u32"),
    rule!("recipient-list", Error, Check::Item(series::recipient_list), repo: false,
        section: Q_LIST,
        summary: "bpf/bpf-next patches go to bpf@vger.kernel.org; net and iproute2 to netdev",
        explanation: "BPF patches are reviewed on bpf@vger.kernel.org; net, net-next and iproute2 patches \
on netdev@vger.kernel.org. Checked where the recipients are known (email To/Cc headers, \
send-email's header file).",
        bad: "To: linux-kernel@vger.kernel.org   (for [PATCH bpf-next])",
        good: "To: bpf@vger.kernel.org"),
    rule!("repost-too-soon", Error, Check::Series(sending::repost_too_soon), repo: true,
        section: NETDEV,
        summary: "the same series was sent from this repository less than 24 hours ago",
        explanation: "\"Don't repost your patches within one 24h period\": reviewers need time to answer a \
posting before the next one arrives. sendemail-validate keeps a log of the series it let through \
(`bpf-policy sent` lists it) and recognises a series by its cover letter's title, else by its patch \
subjects. A send that never reached the list can be dropped from the log with \
`bpf-policy sent --forget`.",
        bad: "v2 sent at 10:00, v3 of the same series at 14:00",
        good: "v3 sent the next day, after the reviews of v2"),
    rule!("new-version-thread", Warning, Check::Series(sending::new_version_thread), repo: true,
        section: NETDEV,
        summary: "a new version (v2+) is sent as a reply to an earlier posting",
        explanation: "New versions are \"posted as a separate thread, not as a reply\" to the previous \
one: threaded under v1 they are easily missed and confuse the patch tracking. Send vN without \
--in-reply-to and link the previous posting in the changelog.",
        bad: "git send-email --in-reply-to='<v1-cover@example.org>' v2-*.patch",
        good: "git send-email v2-*.patch   (Changes in v2: ... v1: https://lore.kernel.org/...)"),
    rule!("version-sequence", Warning, Check::Series(sending::version_sequence), repo: true,
        section: NETDEV,
        summary: "a posting's vN does not follow the last version sent (v3 after v1, or no vN again)",
        explanation: "Each repost of a series carries the next revision number, so reviewers can tell \
the postings apart: after v1 comes v2. A v3 after v1 (v2 never sent), the same vN again, or a \
posting without vN of a series already sent once is reported, from the send log.",
        bad: "[PATCH bpf-next v3 0/2] after [PATCH bpf-next 0/2]",
        good: "git format-patch -v2 ...  ->  [PATCH bpf-next v2 0/2]"),
    rule!("applies-to-tree", Error, Check::Series(sending::applies_to_tree), repo: true,
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
        good: "git fetch bpf-next && git rebase bpf-next/master && git format-patch ..."),
    rule!("maintainers-list", Error, Check::Series(recipients::maintainers_list), repo: true,
        section: Q_LIST,
        summary: "a mailing list MAINTAINERS names for a file the patch touches is in neither To nor Cc",
        explanation: "A patch that changes files of other subsystems (networking, tracing, security, \
...) goes to their lists too, so they can review it and ack it. The lists come from the MAINTAINERS \
file at HEAD, matched as scripts/get_maintainer.pl matches it (F:/X: patterns, N: and K: regexes). \
linux-kernel@vger.kernel.org is never required. Checked where the recipients are known (email \
To/Cc, send-email's header file); each message names the file and entry that brought the list. \
`bpf-policy recipients --to` prints what is needed; as git's sendemail.toCmd it adds it to each patch.",
        bad: "To: bpf@vger.kernel.org   (patch changes net/core/filter.c)",
        good: "To: bpf@vger.kernel.org, netdev@vger.kernel.org"),
    rule!("maintainers-cc", Warning, Check::Series(recipients::maintainers_cc), repo: true,
        section: Q_LIST,
        summary: "a maintainer (M:) of a MAINTAINERS entry covering the patch is in neither To nor Cc",
        explanation: "Cc the maintainers of every subsystem the patch changes, as MAINTAINERS at HEAD \
names them (the same entries as maintainers-list). A Cc: line in the message counts. `bpf-policy \
recipients --cc` prints maintainers, reviewers and Fixes: authors; as git's sendemail.ccCmd it adds \
them to each patch.",
        bad: "Cc: (nobody)   (patch changes net/core/filter.c)",
        good: "Cc: \"David S. Miller\" <davem@davemloft.net>, Eric Dumazet <edumazet@google.com>, ..."),
    rule!("fixes-author-cc", Warning, Check::Series(recipients::fixes_author_cc), repo: true,
        section: Q_BUGS,
        summary: "the author of a commit a Fixes: tag names is in neither To nor Cc",
        explanation: "Keep the actual authors of the buggy commit in Cc: they know the code and can \
review the fix (NIPA fails a series that leaves them out). The commit is looked up in this \
repository; your own commits are exempt. A Cc: line in the message counts.",
        bad: "Fixes: 0123456789ab (\"bpf: Add map refcounting\")   (its author not in Cc)",
        good: "Fixes: 0123456789ab (\"bpf: Add map refcounting\")\nCc: Its Author <its.author@example.org>"),
    rule!("verifier-selftests", Warning, Check::Series(content::verifier_selftests), repo: false,
        section: Q_VERIFIER,
        summary: "a verifier change comes with selftests in tools/testing/selftests/bpf/",
        explanation: "Changes to the verifier's behaviour need test cases in the BPF selftests; \
maintainers will ask for them. Checked over the whole series.",
        bad: "kernel/bpf/verifier.c changed, nothing under tools/testing/selftests/bpf/",
        good: "a second patch: selftests/bpf: Add tests for ..."),
    rule!("jit-tests", Warning, Check::Series(content::jit_tests), repo: false,
        section: Q_JIT,
        summary: "a BPF JIT change (arch/*/net/) comes with tests in lib/test_bpf.c or selftests",
        explanation: "New instructions and JIT features need test cases so every JIT gets run-time \
coverage: lib/test_bpf.c or tools/testing/selftests/bpf/.",
        bad: "arch/x86/net/bpf_jit_comp.c changed, no test",
        good: "a patch adding cases to lib/test_bpf.c"),
    rule!("uapi-tools-sync", Warning, Check::Series(content::uapi_tools_sync), repo: false,
        section: Q_BPFTOOL,
        summary: "include/uapi/linux/bpf.h changes must be mirrored in tools/include/uapi/linux/bpf.h",
        explanation: "The tools copy of the UAPI header is kept in sync in the same series (kernel \
practice); and when UAPI lets programs or maps report new information, bpftool should learn to \
dump it.",
        bad: "include/uapi/linux/bpf.h changed alone",
        good: "include/uapi/linux/bpf.h and tools/include/uapi/linux/bpf.h changed together"),
    rule!("samples-not-selftests", Note, Check::Series(content::samples_not_selftests), repo: false,
        section: Q_SAMPLES,
        summary: "new files under samples/bpf/ that look like tests belong in the selftests",
        explanation: "Selftests run in CI bots, samples do not. Simple demos may go to samples/bpf/, but \
anything that tests behaviour belongs under tools/testing/selftests/bpf/.",
        bad: "samples/bpf/test_foo_user.c (new)",
        good: "tools/testing/selftests/bpf/prog_tests/foo.c (new)"),
    rule!("merge-window", Warning, Check::Series(content::merge_window), repo: true,
        section: Q_MERGE_WINDOW,
        summary: "bpf-next/net-next are closed during the merge window (after vX.Y, before vX.Y+1-rc1)",
        explanation: "While the merge window is open, bpf-next is not processed; resend once Linus has \
tagged the next -rc1. Judged from mainline release tags in a kernel repository (one with both \
vX.Y and vX.Y-rcN tags; a project's own v0.3 or v6.2 release tags are not mainline), when it has \
them (fetch them to keep this accurate). RFC postings are welcome at any time.",
        bad: "newest tag v6.12, no v6.13-rc1 yet: [PATCH bpf-next] ...",
        good: "wait for v6.13-rc1, then send (or send fixes to bpf)"),
    rule!("fixup-commit", Error, Check::Item(message::fixup), repo: false, kernel_wide: true,
        section: Q_MIN,
        summary: "fixup!/squash!/amend! commits must be squashed before pushing or sending",
        explanation: "Commits made with `git commit --fixup` are meant to be folded into their target by \
`git rebase -i --autosquash`. They are fine while you work, and an error once pushed or mailed.",
        bad: "fixup! bpf: Add foo",
        good: "git rebase -i --autosquash <base>"),
    rule!("pull-request-subject", Error, Check::Item(pull::subject), repo: false,
        section: Q_LINUX,
        summary: "a maintainers' pull request reads 'pull-request: bpf yyyy-mm-dd' (or bpf-next)",
        explanation: "The BPF maintainers send their trees to net and net-next as pull requests whose \
subject reads `pull-request: bpf yyyy-mm-dd` or `pull-request: bpf-next yyyy-mm-dd` (a real date), \
optionally after `[GIT PULL]`-style brackets. A pull request is not a patch: no other rule looks at \
it.",
        bad: "Subject: pull-request: bpf-next 2024-13-01",
        good: "Subject: [GIT PULL] pull-request: bpf-next 2024-10-01"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_come_in_input_order() {
        let unsigned = b"bpf: x\n\nWhy.\n";
        let items: Vec<Item> = ["z.msg", "a.msg", "m.msg", "a.msg"]
            .iter()
            .map(|o| Item::from_message(*o, unsigned, &Default::default()))
            .collect();
        let files: Vec<String> = check(&items, &Context::default(), &Config::default())
            .into_iter()
            .filter(|d| d.rule == "signoff-missing")
            .map(|d| d.file)
            .collect();
        assert_eq!(files, ["z.msg", "a.msg", "a.msg", "m.msg"]);
    }

    #[test]
    fn table_is_consistent() -> Result<(), String> {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.info.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule ids");
        for r in RULES {
            assert!(
                r.info
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-')
            );
            assert!(!r.info.summary.is_empty() && !r.info.explanation.is_empty());
        }
        // The kernel's policy text, vendored; missing data fails the test rather than
        // skipping the check.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/data/policy-source/bpf_devel_QA.rst"
        );
        let rst = std::fs::read_to_string(path)
            .map_err(|e| format!("test data {path} is missing: {e}"))?;
        for r in RULES {
            if r.info.section.starts_with("Documentation/") {
                continue;
            }
            assert!(
                rst.contains(r.info.section),
                "{}: section not in the policy",
                r.info.id
            );
        }
        for q in [
            Q_TREE,
            Q_MIN,
            Q_STABLE,
            Q_LIST,
            Q_VERIFIER,
            Q_JIT,
            Q_BPFTOOL,
            Q_SAMPLES,
            Q_MERGE_WINDOW,
        ] {
            assert!(RULES.iter().any(|r| r.info.section == q), "{q}");
        }
        Ok(())
    }
}
