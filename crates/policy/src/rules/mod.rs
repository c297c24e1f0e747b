//! The rule table and the checking loop: [`RULES`] lists every rule, [`check`] runs them.
//!
//! Each rule is a value (`rule!`: id, default severity, check, documentation) written beside
//! its check function in the module that owns it (subject, fixes, message, series, content,
//! recipients, pull, ...). One list drives checking, `bpf-policy rules`, `bpf-policy explain`
//! and the README's rule list, so documentation cannot drift from behaviour. Item checks see
//! one message or email, series checks see everything sent together.

/// A rule's definition, written beside its check in the module that owns it: id, default
/// severity, check, then the documentation. Defined before the modules so they can use it.
macro_rules! rule {
    ($id:expr, $sev:ident, $check:expr, repo: $repo:literal,
     section: $section:expr, summary: $summary:literal,
     explanation: $expl:literal, bad: $bad:literal, good: $good:literal $(,)?) => {
        rule!($id, $sev, $check, repo: $repo, kernel_wide: false, section: $section,
            summary: $summary, explanation: $expl, bad: $bad, good: $good)
    };
    ($id:expr, $sev:ident, $check:expr, repo: $repo:literal, kernel_wide: $kw:literal,
     section: $section:expr, summary: $summary:literal,
     explanation: $expl:literal, bad: $bad:literal, good: $good:literal $(,)?) => {
        $crate::rules::Rule {
            info: $crate::rules::RuleInfo {
                id: $id,
                severity: $crate::diag::Severity::$sev,
                summary: $summary,
                section: $section,
                explanation: $expl,
                bad: $bad,
                good: $good,
                needs_repo: $repo,
                kernel_wide: $kw,
                source: file!(),
            },
            check: $check,
        }
    };
}

mod content;
#[cfg(test)]
mod examples;
mod fixes;
mod id;
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

pub use id::{RuleId, UnknownRule};

/// A rule's documentation.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable id (kebab-case as text).
    pub id: RuleId,
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
    /// The source file that defines and checks it, from the workspace's top (`file!()` where
    /// the rule is written): README's map from rule to code is generated from it.
    pub source: &'static str,
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
                        rule.info.id == RuleId::PullRequestSubject
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
                            rule.info.id == RuleId::PullRequestSubject
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
        return item.kind != ItemKind::Message && rule.info.id == RuleId::FixupCommit;
    }
    true
}

/// Items that are patches (not cover letters, merges or fixups).
pub(crate) fn patches(items: &[Item]) -> impl Iterator<Item = &Item> {
    items
        .iter()
        .filter(|i| !i.is_cover && !i.is_merge && !i.is_fixup())
}

pub(super) const Q_TREE: &str =
    "How do I indicate which tree (bpf vs. bpf-next) my patch should be applied to?";
pub(super) const Q_MIN: &str = "What is the minimum requirement before I submit my BPF patches?";
pub(super) const Q_STABLE: &str =
    "The BPF patch I am about to submit needs to go to stable as well";
pub(super) const Q_LIST: &str = "To which mailing list do I need to submit my BPF patches?";
pub(super) const Q_BUGS: &str = "How do I report bugs for BPF kernel code?";
pub(super) const Q_VERIFIER: &str = "Verifier changes and test cases";
pub(super) const Q_JIT: &str = "Features changing BPF JIT and/or LLVM";
pub(super) const Q_BPFTOOL: &str = "When should I add code to the bpftool?";
pub(super) const Q_SAMPLES: &str = "samples/bpf preference vs selftests?";
pub(super) const Q_MERGE_WINDOW: &str =
    "Are patches applied to bpf-next when the merge window is open?";
pub(super) const Q_LINUX: &str = "How do the changes make their way into Linux?";
pub(super) const NETDEV: &str =
    "Documentation/process/maintainer-netdev.rst (the netdev FAQ, which the BPF policy defers to)";
pub(super) const PROCESS: &str = "Documentation/process/submitting-patches.rst (kernel-wide)";
pub(super) const SIGN_OFF: &str =
    "Documentation/process/submitting-patches.rst, Sign your work (kernel-wide)";

/// Every rule, in documentation order; each is defined beside its check.
pub static RULES: &[&Rule] = &[
    &subject::SUBJECT_TREE,
    &subject::SUBJECT_TREE_UNKNOWN,
    &subject::SUBJECT_VERSION,
    &subject::SUBJECT_FORMAT,
    &fixes::FIXES_REQUIRED,
    &fixes::FIXES_ADVISED,
    &fixes::FIXES_FORMAT,
    &fixes::FIXES_COMMIT,
    &fixes::FIXES_TREE,
    &message::MESSAGE_EMPTY,
    &message::SIGNOFF_MISSING,
    &message::SIGNOFF_AUTHOR,
    &message::TRAILER_TYPO,
    &message::NO_STABLE_CC,
    &series::SERIES_COVER_LETTER,
    &series::SERIES_TOO_LONG,
    &series::COVER_LETTER_PLACEHOLDER,
    &series::COVER_LETTER_EMPTY,
    &series::SERIES_CONSISTENCY,
    &series::SERIES_CHANGELOG,
    &series::CHANGELOG_PLACEMENT,
    &series::RECIPIENT_LIST,
    &sending::REPOST_TOO_SOON,
    &sending::NEW_VERSION_THREAD,
    &sending::VERSION_SEQUENCE,
    &sending::APPLIES_TO_TREE,
    &recipients::MAINTAINERS_LIST,
    &recipients::MAINTAINERS_CC,
    &recipients::FIXES_AUTHOR_CC,
    &content::VERIFIER_SELFTESTS,
    &content::JIT_TESTS,
    &content::UAPI_TOOLS_SYNC,
    &content::SAMPLES_NOT_SELFTESTS,
    &content::MERGE_WINDOW,
    &message::FIXUP_COMMIT,
    &pull::PULL_REQUEST_SUBJECT,
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
            .filter(|d| d.rule == RuleId::SignoffMissing)
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
        // Every id has its rule and the list keeps the ids' order: `find_rule` answers for
        // every id a user can name.
        let listed: Vec<RuleId> = RULES.iter().map(|r| r.info.id).collect();
        assert_eq!(listed, RuleId::ALL);
        for r in RULES {
            assert!(
                r.info
                    .id
                    .as_str()
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
