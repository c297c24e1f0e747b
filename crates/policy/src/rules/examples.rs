//! Every rule's `bad` and `good` text, made runnable: the bad case must fire the rule, the
//! good case must not. Where the documentation text is a subject or a message it is used as
//! written; where it describes a series or a repository, the case here builds what it says.

use super::{Context, RULES, RuleId, check};
use crate::config::Config;
use crate::email::Email;
use crate::item::{FileChange, Ident, Item};
use crate::message::ParseOptions;
use crate::repo::{AncestryQuery, CommitInfo, Reach, RepoFacts, Resolved};
use crate::sent::{Applies, SendFacts, SentEntry, TreeCheck};
use crate::tree::{Tree, TreeSource};

const SOB: &str = "Signed-off-by: A U Thor <author@example.org>";
const TARGET: &str = "0123456789abcdef0123456789abcdef01234567";

/// A repository with one commit (`TARGET`, "bpf: Add map refcounting"), some tags, and what
/// it knows about where that commit is.
#[derive(Default)]
struct Fake {
    tags: Vec<&'static str>,
    reach: Reach,
    maintainers: Option<crate::maintainers::Maintainers>,
}

/// A kernel tree's MAINTAINERS, as much of it as the recipients examples need.
const MAINTAINERS: &str = "\
BPF [GENERAL]
M:\tAlexei Starovoitov <ast@kernel.org>
L:\tbpf@vger.kernel.org
F:\tkernel/bpf/

NETWORKING [GENERAL]
M:\t\"David S. Miller\" <davem@davemloft.net>
M:\tEric Dumazet <edumazet@google.com>
L:\tnetdev@vger.kernel.org
F:\tnet/
";

fn kernel_tree() -> Fake {
    Fake {
        maintainers: Some(crate::maintainers::Maintainers::parse(MAINTAINERS)),
        ..Fake::default()
    }
}

impl RepoFacts for Fake {
    fn resolve_all(&self, ids: &[&str]) -> Vec<Resolved> {
        ids.iter()
            .map(|id| {
                if TARGET.starts_with(id) {
                    Resolved::Commit(CommitInfo {
                        id: TARGET.to_owned(),
                        subject: "bpf: Add map refcounting".to_owned(),
                    })
                } else {
                    Resolved::Missing("not here".to_owned())
                }
            })
            .collect()
    }
    fn ancestors(&self, queries: &[AncestryQuery<'_>]) -> Vec<Option<bool>> {
        vec![Some(true); queries.len()]
    }
    fn release_tags(&self) -> Vec<String> {
        self.tags.iter().map(|t| (*t).to_owned()).collect()
    }
    fn reach(&self, _: &str, _: Tree) -> Reach {
        self.reach.clone()
    }
    fn maintainers_parsed(&self) -> crate::repo::MaintainersAt<'_> {
        match &self.maintainers {
            Some(m) => crate::repo::MaintainersAt::Parsed(m),
            None => crate::repo::MaintainersAt::Absent,
        }
    }
    fn commit_author(&self, id: &str) -> Option<Ident> {
        (id == TARGET).then(|| Ident {
            name: "Its Author".to_owned(),
            email: "its.author@example.org".to_owned(),
        })
    }
}

/// The `Subject: ...` a documentation text shows (after any `->`), up to a blank-separated
/// comment such as `   (no changelog anywhere)`.
fn subject_in(text: &str) -> String {
    let at = text.rfind("Subject: ").map_or(0, |i| i + "Subject: ".len());
    let line = text[at..].lines().next().unwrap_or("");
    line.split("   ").next().unwrap_or(line).trim().to_owned()
}

/// A patch email: subject, message body, files its diff touches, recipients.
// A fixture that does not parse is a bug in this file, to be seen at once.
#[allow(clippy::panic)]
fn email(subject: &str, body: &str, files: &[&str], to: Option<&str>) -> Item {
    let mut raw = format!("From: A U Thor <author@example.org>\nSubject: {subject}\n");
    if let Some(to) = to {
        raw.push_str(&format!("To: {to}\n"));
    }
    raw.push('\n');
    raw.push_str(body);
    raw.push_str("\n---\n");
    for f in files {
        raw.push_str(&format!(
            "diff --git a/{f} b/{f}\n--- a/{f}\n+++ b/{f}\n@@ -1 +1 @@\n-a\n+b\n"
        ));
    }
    match Email::parse(raw.as_bytes(), 1) {
        Ok(e) => Item::from_email(subject, e),
        Err(e) => panic!("bad fixture {subject}: {e}"),
    }
}

fn patch(subject: &str) -> Item {
    email(
        subject,
        &format!("Why.\n\n{SOB}"),
        &["kernel/bpf/syscall.c"],
        None,
    )
}

fn cover(subject: &str, body: &str) -> Item {
    email(subject, body, &[], None)
}

fn message(text: &str) -> Item {
    Item::from_message("msg", text.as_bytes(), &ParseOptions::default())
}

/// A documentation text with `...` standing for the explanation.
fn filled(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("Subject: ") && !l.starts_with("From: "))
        .map(|l| if l == "..." { "Why." } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One runnable case: what to check, the tree, the repository.
struct Case {
    items: Vec<Item>,
    tree: Option<Tree>,
    repo: Option<Fake>,
    send: Option<SendFacts>,
}

impl Case {
    fn of(items: Vec<Item>) -> Case {
        Case {
            items,
            tree: None,
            repo: None,
            send: None,
        }
    }
    /// A case for the sending rules: what sendemail-validate knows about the send.
    fn sent(items: Vec<Item>, facts: SendFacts) -> Case {
        Case {
            send: Some(facts),
            ..Case::of(items).repo(Fake::default())
        }
    }
    fn repo(mut self, r: Fake) -> Case {
        self.repo = Some(r);
        self
    }
    fn fires(&self, id: RuleId) -> bool {
        let source = TreeSource::Config;
        let cx = Context {
            tree: self.tree.map(|t| (t, &source)),
            repo: self.repo.as_ref().map(|r| r as &dyn RepoFacts),
            send: self.send.as_ref(),
            ..Context::default()
        };
        check(&self.items, &cx, &Config::default())
            .iter()
            .any(|d| d.rule == id)
    }
}

fn numbered(tree: &str, n: u32, with_cover: bool) -> Vec<Item> {
    let mut v = Vec::new();
    if with_cover {
        v.push(cover(
            &format!("[PATCH {tree} 0/{n}] bpf: Support foo"),
            "This series teaches the verifier foo.",
        ));
    }
    v.extend((1..=n).map(|i| patch(&format!("[PATCH {tree} {i}/{n}] bpf: Part {i}"))));
    v
}

fn files_series(files: &[&[&str]]) -> Vec<Item> {
    let n = files.len();
    let mut v = vec![cover(
        &format!("[PATCH bpf-next 0/{n}] bpf: Support foo"),
        "This series teaches the verifier foo.",
    )];
    for (i, f) in files.iter().enumerate() {
        v.push(email(
            &format!("[PATCH bpf-next {}/{n}] bpf: Part {}", i + 1, i + 1),
            &format!("Why.\n\n{SOB}"),
            f,
            None,
        ));
    }
    v
}

/// The bad and the good case of a rule, built from its documentation.
fn cases(id: RuleId, bad: &str, good: &str) -> Option<(Case, Case)> {
    let fixes_ok = "Fixes: 0123456789ab (\"bpf: Add map refcounting\")";
    Some(match id {
        RuleId::SubjectTree
        | RuleId::SubjectTreeUnknown
        | RuleId::SubjectVersion
        | RuleId::CoverLetterPlaceholder
        | RuleId::PullRequestSubject => {
            let body = format!("This series teaches the verifier foo.\n\n{fixes_ok}\n{SOB}");
            let mk = |s: &str| {
                if id == RuleId::CoverLetterPlaceholder || id == RuleId::PullRequestSubject {
                    cover(&subject_in(s), &body)
                } else {
                    email(&subject_in(s), &body, &["kernel/bpf/syscall.c"], None)
                }
            };
            (Case::of(vec![mk(bad)]), Case::of(vec![mk(good)]))
        }
        RuleId::SubjectFormat
        | RuleId::FixesAdvised
        | RuleId::MessageEmpty
        | RuleId::SignoffMissing
        | RuleId::ChangelogPlacement => {
            let mk = |t: &str| {
                let t = filled(t);
                let t = if t.contains("Signed-off-by:") || id == RuleId::SignoffMissing {
                    t
                } else if t.contains('\n') {
                    format!("{t}\n{SOB}")
                } else {
                    format!("{t}\n\nWhy it is needed.\n\n{SOB}")
                };
                message(&t)
            };
            (Case::of(vec![mk(bad)]), Case::of(vec![mk(good)]))
        }
        RuleId::FixesRequired => {
            let mk = |t: &str| {
                email(
                    &subject_in(bad),
                    &format!("Why.\n\n{}", filled(t).trim_start_matches('\n')),
                    &["kernel/bpf/syscall.c"],
                    None,
                )
            };
            (Case::of(vec![mk(bad)]), Case::of(vec![mk(good)]))
        }
        RuleId::FixesFormat | RuleId::TrailerTypo | RuleId::NoStableCc => {
            let mk = |t: &str| {
                let t = filled(t);
                if t.starts_with("---") {
                    message(&format!("bpf: Fix x\n\nWhy.\n\n{SOB}\n{t}"))
                } else if t.starts_with("Signed") {
                    message(&format!("bpf: Fix x\n\nWhy.\n\n{t}"))
                } else {
                    message(&format!("bpf: Fix x\n\nWhy.\n\n{t}\n{SOB}"))
                }
            };
            (Case::of(vec![mk(bad)]), Case::of(vec![mk(good)]))
        }
        RuleId::FixesCommit => {
            // The good text is the command that prints the right tag.
            let mk = |t: &str| message(&format!("bpf: Fix x\n\nWhy.\n\n{t}\n{SOB}"));
            (
                Case::of(vec![mk(bad)]).repo(Fake::default()),
                Case::of(vec![mk(fixes_ok)]).repo(Fake::default()),
            )
        }
        RuleId::FixesTree => {
            let mk = |prefix: &str| {
                email(
                    &format!("[{prefix}] bpf: Fix a leak"),
                    &format!("Why.\n\n{fixes_ok}\n{SOB}"),
                    &["kernel/bpf/syscall.c"],
                    None,
                )
            };
            let only_next = || Fake {
                reach: Reach {
                    release: Some((false, "mainline (up to tag v6.13-rc1)".into())),
                    tree_branch: None,
                },
                ..Fake::default()
            };
            assert!(bad.contains("[PATCH bpf]") && good.contains("[PATCH bpf-next]"));
            (
                Case::of(vec![mk("PATCH bpf")]).repo(only_next()),
                Case::of(vec![mk("PATCH bpf-next")]).repo(only_next()),
            )
        }
        RuleId::SignoffAuthor => {
            let mk = |t: &str| {
                let sob = t.lines().last().unwrap_or("");
                let mut item = message(&format!("bpf: x\n\nWhy.\n\n{sob}"));
                item.author = Some(Ident::parse(
                    t.lines()
                        .next()
                        .and_then(|l| l.strip_prefix("From: "))
                        .unwrap_or(""),
                ));
                item
            };
            (Case::of(vec![mk(bad)]), Case::of(vec![mk(good)]))
        }
        RuleId::SeriesCoverLetter => {
            assert!(good.contains("--cover-letter"));
            (
                Case::of(numbered("bpf-next", 2, false)),
                Case::of(numbered("bpf-next", 2, true)),
            )
        }
        RuleId::SeriesTooLong => (
            Case::of(numbered("bpf-next", 16, true)),
            Case::of(numbered("bpf-next", 8, true)),
        ),
        RuleId::CoverLetterEmpty => {
            let sub = "[PATCH bpf-next 0/2] bpf: Support foo";
            let mk = |t: &str| cover(sub, &t.replace("...", "3 files changed"));
            (Case::of(vec![mk(bad)]), Case::of(vec![mk(good)]))
        }
        RuleId::SeriesConsistency => {
            let mk = |t: &str| {
                t.split(", ")
                    .map(|s| {
                        if s.contains(" 0/") {
                            cover(&format!("{s} bpf: Support foo"), "The series.")
                        } else {
                            patch(&format!("{s} bpf: Part"))
                        }
                    })
                    .collect()
            };
            (Case::of(mk(bad)), Case::of(mk(good)))
        }
        RuleId::SeriesChangelog => {
            let sub = subject_in(bad);
            let without = patch(&sub);
            let with = email(
                &sub,
                &format!("Why.\n\n{SOB}\n{}", good.trim_end()),
                &["kernel/bpf/syscall.c"],
                None,
            );
            (Case::of(vec![without]), Case::of(vec![with]))
        }
        RuleId::RecipientList => {
            let mk = |t: &str| {
                let to = t
                    .strip_prefix("To: ")
                    .and_then(|r| r.split_whitespace().next())
                    .unwrap_or("");
                email(
                    "[PATCH bpf-next] bpf: Support foo",
                    &format!("Why.\n\n{SOB}"),
                    &["kernel/bpf/syscall.c"],
                    Some(to),
                )
            };
            (Case::of(vec![mk(bad)]), Case::of(vec![mk(good)]))
        }
        RuleId::MaintainersList | RuleId::MaintainersCc => {
            // `To: ...` / `Cc: ...` as written, up to a blank-separated comment.
            let header = |t: &str, key: &str| -> Option<String> {
                let v = t.strip_prefix(key)?;
                Some(v.split("   ").next().unwrap_or(v).trim().to_owned())
            };
            let mk = |t: &str| {
                let (to, cc) = match header(t, "To: ") {
                    Some(to) => (to, None),
                    None => (
                        "bpf@vger.kernel.org, netdev@vger.kernel.org".to_owned(),
                        header(t, "Cc: "),
                    ),
                };
                let to = match cc {
                    Some(cc) => format!("{to}\nCc: {cc}"),
                    None => to,
                };
                email(
                    "[PATCH bpf-next] bpf: Support foo",
                    &format!("Why.\n\n{SOB}"),
                    &["net/core/filter.c"],
                    Some(&to),
                )
            };
            (
                Case::of(vec![mk(bad)]).repo(kernel_tree()),
                Case::of(vec![mk(good)]).repo(kernel_tree()),
            )
        }
        RuleId::FixesAuthorCc => {
            let mk = |t: &str| {
                let tags: Vec<&str> = t
                    .lines()
                    .map(|l| l.split("   ").next().unwrap_or(l))
                    .collect();
                email(
                    "[PATCH bpf] bpf: Fix a leak",
                    &format!("Why.\n\n{}\n{SOB}", tags.join("\n")),
                    &["kernel/bpf/syscall.c"],
                    Some("bpf@vger.kernel.org"),
                )
            };
            (
                Case::of(vec![mk(bad)]).repo(kernel_tree()),
                Case::of(vec![mk(good)]).repo(kernel_tree()),
            )
        }
        RuleId::VerifierSelftests => (
            Case::of(files_series(&[
                &["kernel/bpf/verifier.c"],
                &["kernel/bpf/core.c"],
            ])),
            Case::of(files_series(&[
                &["kernel/bpf/verifier.c"],
                &["tools/testing/selftests/bpf/progs/verifier_foo.c"],
            ])),
        ),
        RuleId::JitTests => (
            Case::of(files_series(&[
                &["arch/x86/net/bpf_jit_comp.c"],
                &["kernel/bpf/core.c"],
            ])),
            Case::of(files_series(&[
                &["arch/x86/net/bpf_jit_comp.c"],
                &["lib/test_bpf.c"],
            ])),
        ),
        RuleId::UapiToolsSync => (
            Case::of(files_series(&[
                &["include/uapi/linux/bpf.h"],
                &["kernel/bpf/core.c"],
            ])),
            Case::of(files_series(&[
                &["include/uapi/linux/bpf.h"],
                &["tools/include/uapi/linux/bpf.h"],
            ])),
        ),
        RuleId::SamplesNotSelftests => {
            let mk = |path: &str| {
                let mut item = patch("[PATCH bpf-next] samples/bpf: Add foo");
                item.files = Some(vec![FileChange {
                    path: path.to_owned(),
                    status: crate::item::ChangeStatus::Added,
                }]);
                item
            };
            let path = |t: &str| t.split_whitespace().next().unwrap_or("").to_owned();
            (
                Case::of(vec![mk(&path(bad))]),
                Case::of(vec![mk(&path(good))]),
            )
        }
        RuleId::MergeWindow => {
            let tags = |extra: Option<&'static str>| Fake {
                tags: ["v6.11", "v6.12-rc1", "v6.12"]
                    .into_iter()
                    .chain(extra)
                    .collect(),
                ..Fake::default()
            };
            let items = || vec![patch("[PATCH bpf-next] bpf: Support foo")];
            (
                Case::of(items()).repo(tags(None)),
                Case::of(items()).repo(tags(Some("v6.13-rc1"))),
            )
        }
        RuleId::RepostTooSoon
        | RuleId::NewVersionThread
        | RuleId::VersionSequence
        | RuleId::AppliesToTree => {
            let v = |n: u32| {
                let p = |k: &str| format!("[PATCH bpf-next v{n} {k}]");
                vec![
                    cover(&format!("{} bpf: Support foo", p("0/2")), "The series."),
                    patch(&format!("{} bpf: Add foo", p("1/2"))),
                    patch(&format!("{} selftests/bpf: Test foo", p("2/2"))),
                ]
            };
            let hour = 3600;
            let log = |n: u32, at: i64| vec![SentEntry::of(&v(n), at, Some("<v@x>".into()))];
            let facts = |sent, now, applies| SendFacts {
                now,
                sent,
                tree: Some(TreeCheck {
                    tree_ref: Some("bpf-next/master".into()),
                    applies,
                    foreign_base: None,
                }),
            };
            let fails = Applies::No {
                origin: v(3)[1].origin.clone(),
                detail: "patch failed: kernel/bpf/syscall.c:1".into(),
            };
            match id {
                // v2 at 10:00, v3 at 14:00; the good one the next day.
                RuleId::RepostTooSoon => (
                    Case::sent(v(3), facts(log(2, 10 * hour), 14 * hour, Applies::Yes)),
                    Case::sent(v(3), facts(log(2, 10 * hour), 40 * hour, Applies::Yes)),
                ),
                RuleId::NewVersionThread => {
                    let mut threaded = v(2);
                    threaded[0].in_reply_to = Some("<v@x>".into());
                    (
                        Case::sent(threaded, facts(log(1, 0), 48 * hour, Applies::Yes)),
                        Case::sent(v(2), facts(log(1, 0), 48 * hour, Applies::Yes)),
                    )
                }
                RuleId::VersionSequence => (
                    Case::sent(v(3), facts(log(1, 0), 48 * hour, Applies::Yes)),
                    Case::sent(v(2), facts(log(1, 0), 48 * hour, Applies::Yes)),
                ),
                _ => (
                    Case::sent(v(3), facts(Vec::new(), 0, fails)),
                    Case::sent(v(3), facts(Vec::new(), 0, Applies::Yes)),
                ),
            }
        }
        RuleId::FixupCommit => {
            let mk = |subject: &str| {
                Item::from_commit(
                    TARGET,
                    format!("{subject}\n\nWhy.\n\n{SOB}").as_bytes(),
                    Ident::parse("A U Thor <author@example.org>"),
                    vec![FileChange::modified("kernel/bpf/syscall.c")],
                    1,
                )
            };
            (Case::of(vec![mk(bad)]), Case::of(vec![mk("bpf: Add foo")]))
        }
    })
}

#[test]
fn every_rule_has_a_bad_and_a_good_example_that_run() {
    let mut missing = Vec::new();
    for rule in RULES {
        let i = &rule.info;
        let Some((bad, good)) = cases(i.id, i.bad, i.good) else {
            missing.push(i.id);
            continue;
        };
        assert!(
            bad.fires(i.id),
            "{}: the bad example does not fire it",
            i.id
        );
        assert!(!good.fires(i.id), "{}: the good example fires it", i.id);
    }
    assert!(
        missing.is_empty(),
        "rules without a runnable example here: {missing:?}"
    );
}

/// Rule ids found for these items with the repository set to `tree`.
fn found(
    items: &[Item],
    tree: Option<Tree>,
    repo: Option<&Fake>,
) -> Vec<(RuleId, crate::Severity)> {
    let source = TreeSource::Config;
    let cx = Context {
        tree: tree.map(|t| (t, &source)),
        repo: repo.map(|r| r as &dyn RepoFacts),
        ..Context::default()
    };
    check(items, &cx, &Config::default())
        .into_iter()
        .map(|d| (d.rule, d.severity))
        .collect()
}

fn errors(items: &[Item], tree: Option<Tree>, repo: Option<&Fake>) -> Vec<RuleId> {
    found(items, tree, repo)
        .into_iter()
        .filter(|(_, s)| *s == crate::Severity::Error)
        .map(|(r, _)| r)
        .collect()
}

#[test]
fn other_subsystems_get_the_kernel_wide_rules_only() {
    // nf-next, to netfilter-devel, no Fixes:, Cc: stable, from a bpf-next checkout.
    let nf = email(
        "[PATCH nf-next] netfilter: nf_tables: Fix a leak",
        &format!("Why.\n\nCc: stable@vger.kernel.org\n{SOB}"),
        &["net/netfilter/nf_tables_api.c"],
        Some("netfilter-devel@vger.kernel.org"),
    );
    assert_eq!(
        errors(std::slice::from_ref(&nf), Some(Tree::BpfNext), None),
        Vec::<RuleId>::new()
    );
    for other in [
        "wireless-next",
        "mptcp-next",
        "ipsec-next",
        "can-next",
        "for-next",
    ] {
        let p = email(
            &format!("[PATCH {other}] x: Add y"),
            &format!("Why.\n\n{SOB}"),
            &["net/x.c"],
            Some("other@vger.kernel.org"),
        );
        assert_eq!(
            errors(&[p], Some(Tree::Bpf), None),
            Vec::<RuleId>::new(),
            "{other}"
        );
    }
    // Kernel-wide rules still speak for them.
    let unsigned = email(
        "[PATCH nf-next] netfilter: x",
        "Why.",
        &["net/netfilter/x.c"],
        Some("netfilter-devel@vger.kernel.org"),
    );
    assert_eq!(
        errors(&[unsigned], None, None),
        vec![RuleId::SignoffMissing]
    );
}

#[test]
fn a_patch_without_a_tree_is_ours_by_files_or_recipients() {
    // A BPF patch sent only to linux-kernel@: the mistake to catch.
    let lkml = email(
        "[PATCH] bpf: Add foo",
        &format!("Why.\n\n{SOB}"),
        &["kernel/bpf/core.c"],
        Some("linux-kernel@vger.kernel.org"),
    );
    assert!(errors(&[lkml], None, None).contains(&RuleId::SubjectTree));
    // Addressed to bpf@, touching nothing of ours: ours.
    let to_bpf = email(
        "[PATCH] lib: Add foo",
        &format!("Why.\n\n{SOB}"),
        &["lib/foo.c"],
        Some("bpf@vger.kernel.org"),
    );
    assert!(errors(&[to_bpf], None, None).contains(&RuleId::SubjectTree));
    // An ext4 patch to the ext4 list, from a bpf-next checkout: not ours.
    let ext4 = email(
        "[PATCH] ext4: Add foo",
        &format!("Why.\n\n{SOB}"),
        &["fs/ext4/inode.c"],
        Some("linux-ext4@vger.kernel.org"),
    );
    assert_eq!(
        errors(&[ext4], Some(Tree::BpfNext), None),
        Vec::<RuleId>::new()
    );
    // A commit touching fs/ only: ours when the repository targets a tree, else not.
    let mut commit = message(&format!(
        "ext4: Fix foo\n\nWhy.\n\nCc: stable@vger.kernel.org\n{SOB}"
    ));
    commit.files = Some(vec![FileChange::modified("fs/ext4/inode.c")]);
    assert_eq!(
        errors(std::slice::from_ref(&commit), None, None),
        Vec::<RuleId>::new()
    );
    assert_eq!(
        errors(&[commit], Some(Tree::BpfNext), None),
        vec![RuleId::NoStableCc]
    );
    // Nothing known about it: judged as ours.
    let bare = message(&format!(
        "x: Fix foo\n\nWhy.\n\nCc: stable@vger.kernel.org\n{SOB}"
    ));
    assert_eq!(errors(&[bare], None, None), vec![RuleId::NoStableCc]);
}

#[test]
fn maintainers_of_our_entries_put_a_patch_in_scope() {
    let repo = Fake {
        maintainers: Some(crate::maintainers::Maintainers::parse(
            "BPF [GENERAL]\nM:\tAlexei Starovoitov <ast@kernel.org>\nL:\tbpf@vger.kernel.org\nF:\tkernel/bpf/\n\nEXT4\nM:\tTed <tytso@mit.edu>\nF:\tfs/ext4/\n",
        )),
        ..Fake::default()
    };
    let cx = Context {
        tree: None,
        repo: Some(&repo),
        ..Context::default()
    };
    let to = |addr: &str, file: &str| {
        email(
            "[PATCH] x: Add foo",
            &format!("Why.\n\n{SOB}"),
            &[file],
            Some(addr),
        )
    };
    let decide = |i: &Item| crate::scope::classify(i, &cx);
    let d = decide(&to("Alexei Starovoitov <ast@kernel.org>", "lib/x.c"));
    assert!(d.in_scope && d.why.contains("ast@kernel.org"), "{d:?}");
    let d = decide(&to("tytso@mit.edu", "kernel/bpf/core.c"));
    assert!(d.in_scope && d.why.contains("MAINTAINERS"), "{d:?}");
    let d = decide(&to("tytso@mit.edu", "fs/ext4/inode.c"));
    assert!(!d.in_scope, "{d:?}");
    // With MAINTAINERS, its entries replace the built-in list: net/ is not ours here.
    let d = decide(&to("tytso@mit.edu", "net/core/dev.c"));
    assert!(!d.in_scope, "{d:?}");
}

#[test]
fn a_cover_letter_follows_its_series() {
    let items = vec![
        email("[PATCH 0/2] Foo", "The series adds foo.", &[], None),
        email(
            "[PATCH 1/2] ext4: a",
            &format!("Why.\n\n{SOB}"),
            &["fs/ext4/a.c"],
            None,
        ),
        email(
            "[PATCH 2/2] ext4: b",
            &format!("Why.\n\n{SOB}"),
            &["fs/ext4/b.c"],
            None,
        ),
    ];
    let cx = Context::default();
    let d = crate::scope::Scoper::new(&cx).classify_series(&items);
    assert!(d.iter().all(|d| !d.in_scope), "{d:?}");
    assert_eq!(errors(&items, None, None), Vec::<RuleId>::new());
}

#[test]
fn netdev_trees_follow_netdev_rules() {
    // Cc: stable is fine for net.
    let net = email(
        "[PATCH net] net: Fix a leak",
        &format!("Why.\n\nFixes: 0123456789ab (\"net: Add x\")\nCc: stable@vger.kernel.org\n{SOB}"),
        &["net/core/dev.c"],
        Some("netdev@vger.kernel.org"),
    );
    assert_eq!(
        errors(&[net], Some(Tree::BpfNext), None),
        Vec::<RuleId>::new()
    );
    // Two patches for net need no cover letter; for bpf they do.
    let two = |tree: &str| {
        (1..=2)
            .map(|n| {
                email(
                    &format!("[PATCH {tree} {n}/2] net: Part {n}"),
                    &format!("Why.\n\nFixes: 0123456789ab (\"net: Add x\")\n{SOB}"),
                    &["net/core/dev.c"],
                    None,
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(!errors(&two("net"), None, None).contains(&RuleId::SeriesCoverLetter));
    assert!(errors(&two("bpf"), None, None).contains(&RuleId::SeriesCoverLetter));
    // iproute2 master is not fixes-only: a fix there is advised a Fixes:, not required one.
    let ip = email(
        "[PATCH iproute2] ip: Fix the route dump",
        &format!("Why.\n\n{SOB}"),
        &["ip/iproute.c"],
        Some("netdev@vger.kernel.org"),
    );
    let f = found(&[ip], None, None);
    assert!(
        f.contains(&(RuleId::FixesAdvised, crate::Severity::Warning)),
        "{f:?}"
    );
    assert!(!f.iter().any(|(r, _)| *r == RuleId::FixesRequired), "{f:?}");
    // bpf-next/net is a tree of its own, sent to both lists.
    let bnn = email(
        "[PATCH v8 bpf-next/net 2/6] bpf: Add x",
        &format!("Why.\n\n{SOB}"),
        &["net/core/filter.c"],
        Some("bpf@vger.kernel.org"),
    );
    let e = found(&[bnn], None, None);
    assert!(
        !e.iter().any(|(r, _)| *r == RuleId::SubjectTreeUnknown),
        "{e:?}"
    );
    assert!(
        e.contains(&(RuleId::RecipientList, crate::Severity::Error)),
        "{e:?}"
    );
}

#[test]
fn merge_window_is_for_kernel_repositories_and_not_for_rfcs() {
    let window = Fake {
        tags: vec!["v6.11", "v6.12-rc1", "v6.12"],
        ..Fake::default()
    };
    let fires = |subject: &str, repo: &Fake| {
        found(&[patch(subject)], None, Some(repo))
            .iter()
            .any(|(r, _)| *r == RuleId::MergeWindow)
    };
    assert!(fires("[PATCH bpf-next] bpf: Add x", &window));
    assert!(!fires("[RFC PATCH bpf-next] bpf: Add x", &window));
    assert!(!fires("[PATCH RFC bpf-next] bpf: Add x", &window));
    let project = Fake {
        tags: vec!["v0.3", "v6.2"],
        ..Fake::default()
    };
    assert!(!fires("[PATCH bpf-next] bpf: Add x", &project));
}

#[test]
fn fixes_titles_are_compared_as_fixes_format_read_them() {
    let repo = Fake::default();
    for tag in [
        "Fixes: 0123456789ab ('bpf: Add map refcounting')",
        "Fixes: 0123456789ab (\"bpf: Add map refcounting\"",
        "Fixes: 0123456789ab (bpf: Add map refcounting)",
    ] {
        let m = message(&format!("bpf: Fix x\n\nWhy.\n\n{tag}\n{SOB}"));
        let f = found(&[m], None, Some(&repo));
        assert!(
            f.contains(&(RuleId::FixesFormat, crate::Severity::Warning)),
            "{tag}: {f:?}"
        );
        assert!(
            !f.contains(&(RuleId::FixesCommit, crate::Severity::Error)),
            "{tag}: {f:?}"
        );
    }
    // The help for single quotes shows the tag with the title alone in double quotes.
    let m = message(&format!(
        "bpf: Fix x\n\nWhy.\n\nFixes: 0123456789ab ('bpf: Add map refcounting')\n{SOB}"
    ));
    let d = check(&[m], &Context::default(), &Config::default());
    let help = d
        .iter()
        .find(|d| d.rule == RuleId::FixesFormat)
        .and_then(|d| d.help.clone());
    assert_eq!(
        help.as_deref(),
        Some("Fixes: 0123456789ab (\"bpf: Add map refcounting\")")
    );
}

#[test]
fn colonless_fixes_is_malformed_not_missing() {
    let m = email(
        "[PATCH bpf] bpf: Fix x",
        &format!("Why.\n\nFixes commit 0123456789ab (\"bpf: Add map refcounting\")\n{SOB}"),
        &["kernel/bpf/core.c"],
        None,
    );
    let e = errors(&[m], None, None);
    assert_eq!(e, vec![RuleId::FixesFormat]);
    // Prose is not a tag.
    let m = message(&format!("bpf: Fix x\n\nFixes errors like:\n  foo\n\n{SOB}"));
    assert!(!errors(&[m], None, None).contains(&RuleId::FixesFormat));
}

#[test]
fn a_sign_off_below_the_dashes_is_dropped_by_git_am() {
    let m = message(&format!("bpf: Add x\n\nWhy.\n---\n{SOB}\n"));
    let d = check(&[m], &Context::default(), &Config::default());
    let s = d.iter().find(|d| d.rule == RuleId::SignoffMissing);
    assert!(
        s.is_some_and(|d| d.message.contains("git am will drop it") && d.line == Some(5)),
        "{d:?}"
    );
}

#[test]
fn pull_requests_are_judged_by_their_subject_alone() {
    let pr = cover(
        "[GIT PULL] pull-request: bpf-next 2024-10-01",
        "Hi David,\n\nThe following pull-request contains BPF updates.",
    );
    assert_eq!(
        found(std::slice::from_ref(&pr), Some(Tree::BpfNext), None),
        vec![]
    );
    // Another subsystem's pull request sent as a netdev cover letter is a cover letter.
    let can = cover(
        "[PATCH net-next 0/2] pull-request: can-next 2024-10-07",
        "Hi,\n\nCAN.",
    );
    assert!(!can.pull_request);
}
