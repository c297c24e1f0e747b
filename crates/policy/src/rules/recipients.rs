//! Recipients from MAINTAINERS and Fixes: authors: maintainers-list, maintainers-cc,
//! fixes-author-cc.
//!
//! Series rules, so a sendemail-validate run asks for MAINTAINERS once (when the last email
//! arrives) and a commit-msg run never does; each patch is still judged by its own files and
//! its own To/Cc, as git's ccCmd/toCmd give each patch its own.

use super::{Check, Q_BUGS, Q_LIST, Rule, RuleId};
use super::{Context, Out, patches};
use crate::item::Item;
use crate::maintainers::{Lookup, Maintainers, Role};
use crate::message::Line;
use crate::recipients::{
    add_file_people, addressed, file_people, fixes_authors, lookup_item, maintainer_now, reaches,
    required_lists,
};
use crate::repo::MaintainersAt;

const TO_CMD: &str = "git config sendemail.toCmd 'bpf-policy recipients --to'";
const CC_CMD: &str = "git config sendemail.ccCmd 'bpf-policy recipients --cc'";

/// A patch these rules judge: its MAINTAINERS lookup (None without a MAINTAINERS file) and
/// the addresses it goes to.
struct Judged<'a> {
    item: &'a Item,
    found: Option<Lookup>,
    to: Vec<String>,
}

/// The patches to judge. MAINTAINERS is asked for only when some patch has recipients.
fn judged<'a>(
    items: &'a [Item],
    cx: &Context<'_>,
    out: &mut Out<'_>,
    report_unreadable: bool,
) -> Vec<Judged<'a>> {
    let Some(repo) = cx.repo else {
        return Vec::new();
    };
    let candidates: Vec<(&Item, Vec<String>)> = patches(items)
        .filter(|i| i.text.is_some())
        .filter_map(|i| addressed(i).map(|a| (i, a)))
        .collect();
    let Some((first, _)) = candidates.first() else {
        return Vec::new();
    };
    let m: Option<&Maintainers> = match repo.maintainers_parsed() {
        MaintainersAt::Parsed(m) => Some(m),
        MaintainersAt::Absent => None,
        MaintainersAt::Unreadable(why) => {
            if report_unreadable {
                out.fail(
                    first,
                    Some(&first.subject_line()),
                    format!("the recipients could not be checked: {why}"),
                    Some("check that HEAD and its MAINTAINERS file can be read (`git show HEAD:MAINTAINERS`)".into()),
                );
            }
            return Vec::new();
        }
    };
    candidates
        .into_iter()
        // Only patches in scope get here: check_scoped hands series rules the BPF and
        // netdev patches of the series (POLICY.md, Scope).
        .map(|(item, to)| Judged {
            item,
            found: m.and_then(|m| lookup_item(m, item)),
            to,
        })
        .collect()
}

/// The line a finding about the recipients points at: the first To/Cc line, else the subject.
fn recipients_line(item: &Item) -> Line {
    item.recipients
        .as_ref()
        .and_then(|r| r.all().next())
        .filter(|(_, no)| *no > 0)
        .map(|(_, no)| Line {
            no: *no,
            text: String::new(),
        })
        .unwrap_or_else(|| item.subject_line())
}

fn has(to: &[String], email: &str) -> bool {
    to.iter().any(|a| a.eq_ignore_ascii_case(email))
}

/// maintainers-list: its definition (documentation and default severity) and check.
pub(super) static MAINTAINERS_LIST: Rule = rule!(RuleId::MaintainersList, Error, Check::Series(maintainers_list), repo: true,
    section: Q_LIST,
    summary: "a mailing list MAINTAINERS names for a file the patch touches is in neither To nor Cc",
    explanation: "A patch that changes files of other subsystems (networking, tracing, security, \
...) goes to their lists too, so they can review it and ack it. The lists come from the MAINTAINERS \
file at HEAD, matched as scripts/get_maintainer.pl matches it (F:/X: patterns, N: and K: regexes). \
linux-kernel@vger.kernel.org is never required. Checked where the recipients are known (email \
To/Cc, send-email's header file); each message names the file and entry that brought the list. \
`bpf-policy recipients --to` prints what is needed; as git's sendemail.toCmd it adds it to each patch.",
    bad: "To: bpf@vger.kernel.org   (patch changes net/core/filter.c)",
    good: "To: bpf@vger.kernel.org, netdev@vger.kernel.org");

/// maintainers-list
pub(super) fn maintainers_list(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    for j in judged(items, cx, out, true) {
        let Some(found) = &j.found else { continue };
        for list in required_lists(found) {
            if has(&j.to, &list.email) {
                continue;
            }
            out.fail(
                j.item,
                Some(&recipients_line(j.item)),
                format!(
                    "{} is in neither To: nor Cc:; MAINTAINERS lists it for {} ({})",
                    list.email, list.via, list.entry
                ),
                Some(format!(
                    "git send-email --to={} ...; or let git add every list for each patch: \
                     {TO_CMD} (with b4: b4 prep --auto-to-cc)",
                    list.email
                )),
            );
        }
    }
}

/// maintainers-cc: its definition (documentation and default severity) and check.
pub(super) static MAINTAINERS_CC: Rule = rule!(RuleId::MaintainersCc, Warning, Check::Series(maintainers_cc), repo: true,
    section: Q_LIST,
    summary: "a maintainer (M:) of a MAINTAINERS entry covering the patch, or someone a touched .yaml file names, is in neither To nor Cc",
    explanation: "Cc the maintainers of every subsystem the patch changes, as MAINTAINERS at HEAD \
names them (the same entries as maintainers-list), and the people named in the .yaml files it \
touches (a devicetree binding's maintainers: list, read from HEAD's tree), as get_maintainer.pl \
does. A Cc: line in the message counts. `bpf-policy recipients --cc` prints maintainers, \
reviewers, the people named in .yaml files and Fixes: authors; as git's sendemail.ccCmd it adds \
them to each patch.",
    bad: "Cc: (nobody)   (patch changes net/core/filter.c)",
    good: "Cc: \"David S. Miller\" <davem@davemloft.net>, Eric Dumazet <edumazet@google.com>, ...");

/// maintainers-cc
pub(super) fn maintainers_cc(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(repo) = cx.repo else { return };
    let mut judged = judged(items, cx, out, false);
    // The .yaml files of every patch, read in one question.
    let named = match file_people(repo, judged.iter().filter_map(|j| j.found.as_ref())) {
        Ok(named) => named,
        Err(why) => {
            if let Some(first) = judged.first() {
                out.fail(
                    first.item,
                    Some(&first.item.subject_line()),
                    format!("the people named in the patch's .yaml files could not be read: {why}"),
                    Some("check that HEAD's tree can be read (`git ls-tree -r HEAD`)".into()),
                );
            }
            Vec::new()
        }
    };
    for j in &mut judged {
        if let Some(found) = j.found.as_mut() {
            add_file_people(repo, found, &named);
        }
    }
    for j in judged {
        // One finding per entry, naming everyone of it who is missing.
        let Some(found) = &j.found else { continue };
        let mut by_entry: Vec<(&str, String, Vec<&str>)> = Vec::new();
        for p in &found.people {
            if p.role != Role::Maintainer || has(&j.to, &p.email) {
                continue;
            }
            // The address .mailmap gives them now counts as much as MAINTAINERS' own.
            if cx
                .repo
                .and_then(|r| maintainer_now(r, p))
                .is_some_and(|now| has(&j.to, &now.email))
            {
                continue;
            }
            match by_entry.iter_mut().find(|(e, _, _)| *e == p.entry) {
                Some((_, _, who)) => who.push(&p.display),
                None => by_entry.push((&p.entry, p.via.to_string(), vec![&p.display])),
            }
        }
        // The people a touched .yaml file names (a binding's maintainers), one finding per
        // file; an address .mailmap maps to theirs counts.
        let mut by_file: Vec<(&str, Vec<&str>)> = Vec::new();
        for p in found.people.iter().filter(|p| p.role == Role::InFile) {
            if reaches(repo, &j.to, &p.email) {
                continue;
            }
            match by_file.iter_mut().find(|(f, _)| *f == p.entry) {
                Some((_, who)) => who.push(&p.display),
                None => by_file.push((&p.entry, vec![&p.display])),
            }
        }
        let missing = by_entry
            .into_iter()
            .map(|(entry, via, who)| {
                let s = if who.len() > 1 { "s" } else { "" };
                (format!("maintainer{s} of {entry} (for {via})"), who)
            })
            .chain(
                by_file
                    .into_iter()
                    .map(|(file, who)| (format!("named in {file}"), who)),
            );
        for (why, who) in missing {
            out.fail(
                j.item,
                Some(&recipients_line(j.item)),
                format!("not in To: or Cc:, {why}: {}", who.join(", ")),
                Some(format!(
                    "git send-email --cc='{}' ...; or let git add them for each patch: {CC_CMD}",
                    who.join("' --cc='")
                )),
            );
        }
    }
}

/// fixes-author-cc: its definition (documentation and default severity) and check.
pub(super) static FIXES_AUTHOR_CC: Rule = rule!(RuleId::FixesAuthorCc, Warning, Check::Series(fixes_author_cc), repo: true,
    section: Q_BUGS,
    summary: "the author of a commit a Fixes: tag names is in neither To nor Cc",
    explanation: "Keep the actual authors of the buggy commit in Cc: they know the code and can \
review the fix (NIPA fails a series that leaves them out). The commit is looked up in this \
repository; your own commits are exempt. A Cc: line in the message counts. The author is named \
as HEAD's .mailmap names them now (as get_maintainer.pl does); the address in the commit counts \
too.",
    bad: "Fixes: 0123456789ab (\"bpf: Add map refcounting\")   (its author not in Cc)",
    good: "Fixes: 0123456789ab (\"bpf: Add map refcounting\")\nCc: Its Author <its.author@example.org>");

/// fixes-author-cc
pub(super) fn fixes_author_cc(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(repo) = cx.repo else { return };
    for j in judged(items, cx, out, false) {
        for a in fixes_authors(j.item, repo) {
            // Either address reaches them: the one .mailmap gives, or the one committed.
            let known = std::iter::once(&a.author).chain(a.committed_as.as_ref());
            if a.author.email.is_empty()
                || known.clone().any(|who| has(&j.to, &who.email))
                || j.item
                    .author
                    .as_ref()
                    .is_some_and(|me| known.clone().any(|who| me.same_person(who)))
            {
                continue;
            }
            let tag = j
                .item
                .message
                .fixes_tags()
                .find(|t| t.line.no == a.line)
                .map(|t| &t.line);
            out.fail(
                j.item,
                tag.or(Some(&recipients_line(j.item))),
                format!(
                    "{} wrote commit {} (\"{}\") that this patch fixes, and is in neither To: nor Cc:",
                    a.author,
                    &a.id[..12.min(a.id.len())],
                    a.subject
                ),
                Some(format!(
                    "keep the author of the broken commit in the loop: add `Cc: {}` above the \
                     Signed-off-by: lines, or git send-email --cc='{}'; {CC_CMD} adds them",
                    a.author, a.author
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use crate::email::Email;
    use crate::item::Ident;
    use crate::repo::{CommitInfo, RepoFacts, Resolved};
    use crate::{Config, Context, Diagnostic, Item, check};

    use super::*;

    const MAINTAINERS: &str = "\
BPF [GENERAL]
M:\tAlexei Starovoitov <ast@kernel.org>
R:\tA Reviewer <rev@example.org>
L:\tbpf@vger.kernel.org
F:\tkernel/bpf/
K:\t(?:\\b|_)bpf(?:\\b|_)

NETWORKING [GENERAL]
M:\t\"David S. Miller\" <davem@davemloft.net>
M:\tJakub Kicinski <kuba@kernel.org>
L:\tnetdev@vger.kernel.org
F:\tnet/

NETFILTER
M:\tPablo <pablo@netfilter.org>
L:\tnetfilter-devel@vger.kernel.org
F:\tnet/netfilter/

THE REST
M:\tLinus Torvalds <torvalds@linux-foundation.org>
L:\tlinux-kernel@vger.kernel.org
F:\t*
F:\t*/
";

    struct Fake {
        m: Option<Maintainers>,
        unreadable: bool,
        asked: Cell<usize>,
        mailmap: Option<crate::mailmap::Mailmap>,
        /// HEAD's files by path; None: the tree cannot be read.
        head: Option<Vec<(&'static str, &'static str)>>,
        blobs_asked: Cell<usize>,
    }

    impl RepoFacts for Fake {
        fn resolve_all(&self, ids: &[&str]) -> Vec<Resolved> {
            ids.iter()
                .map(|id| {
                    if "0123456789abcdef".starts_with(id) {
                        Resolved::Commit(CommitInfo {
                            id: "0123456789abcdef0123456789abcdef01234567".into(),
                            subject: "bpf: Add the broken thing".into(),
                        })
                    } else {
                        Resolved::Missing("no".into())
                    }
                })
                .collect()
        }
        fn ancestors(&self, queries: &[crate::repo::AncestryQuery<'_>]) -> Vec<Option<bool>> {
            vec![Some(true); queries.len()]
        }
        fn release_tags(&self) -> Vec<String> {
            Vec::new()
        }
        fn maintainers_parsed(&self) -> MaintainersAt<'_> {
            self.asked.set(self.asked.get() + 1);
            match &self.m {
                _ if self.unreadable => MaintainersAt::Unreadable("the object is corrupt"),
                Some(m) => MaintainersAt::Parsed(m),
                None => MaintainersAt::Absent,
            }
        }
        fn commit_author(&self, id: &str) -> Option<Ident> {
            id.starts_with("0123456789ab").then(|| Ident {
                name: "Bug Author".into(),
                email: "bug.author@example.org".into(),
            })
        }
        fn mailmap(&self) -> Option<&crate::mailmap::Mailmap> {
            self.mailmap.as_ref()
        }
        fn head_blobs(&self, paths: &[&str], _max: u64) -> Result<Vec<Option<Vec<u8>>>, String> {
            self.blobs_asked.set(self.blobs_asked.get() + 1);
            let head = self.head.as_ref().ok_or("the tree object is missing")?;
            Ok(paths
                .iter()
                .map(|p| {
                    head.iter()
                        .find(|(f, _)| f == p)
                        .map(|(_, t)| t.as_bytes().to_vec())
                })
                .collect())
        }
    }

    fn fake() -> Fake {
        Fake {
            m: Some(Maintainers::parse(MAINTAINERS)),
            unreadable: false,
            asked: Cell::new(0),
            mailmap: None,
            head: Some(vec![(BINDING, BINDING_TEXT)]),
            blobs_asked: Cell::new(0),
        }
    }

    const BINDING: &str = "Documentation/devicetree/bindings/net/acme,foo.yaml";
    const BINDING_TEXT: &str = "\
title: ACME Foo

maintainers:
  - Jane Doe <jane@example.org>
  - José García <jose@example.es>
  - Jakub Kicinski <kuba@other.example>
";

    fn email(subject: &str, headers: &str, trailers: &str, files: &[&str]) -> Item {
        let mut diff = String::new();
        for f in files {
            diff.push_str(&format!(
                "diff --git a/{f} b/{f}\n--- a/{f}\n+++ b/{f}\n@@ -1 +1 @@\n-a\n+b\n"
            ));
        }
        let text = format!(
            "From: Me <me@example.org>\n{headers}Subject: {subject}\n\nWhy it is needed.\n\n{trailers}Signed-off-by: Me <me@example.org>\n---\n{diff}"
        );
        match Email::parse(text.as_bytes(), 1) {
            Ok(e) => Item::from_email("p.patch", e),
            Err(e) => Item::from_message(format!("{e}"), b"", &Default::default()),
        }
    }

    fn run(items: &[Item], repo: &Fake, rule: RuleId) -> Vec<Diagnostic> {
        let cx = Context {
            tree: None,
            repo: Some(repo),
            ..Context::default()
        };
        check(items, &cx, &Config::default())
            .into_iter()
            .filter(|d| d.rule == rule)
            .collect()
    }

    const BOTH: &[&str] = &["net/core/filter.c", "kernel/bpf/core.c"];

    /// A fix of the fake repository's one commit, to both lists, with these extra trailers.
    fn fix(cc: &str) -> Item {
        email(
            "[PATCH bpf] bpf: Fix x",
            "To: bpf@vger.kernel.org, netdev@vger.kernel.org\n",
            &format!("Fixes: 0123456789ab (\"bpf: Add the broken thing\")\n{cc}"),
            BOTH,
        )
    }

    #[test]
    fn a_list_of_a_touched_subsystem_is_required() {
        let r = fake();
        let item = email(
            "[PATCH bpf-next] bpf: x",
            "To: bpf@vger.kernel.org\n",
            "",
            BOTH,
        );
        let d = run(std::slice::from_ref(&item), &r, RuleId::MaintainersList);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, crate::Severity::Error);
        assert!(
            d[0].message.contains("netdev@vger.kernel.org")
                && d[0].message.contains("net/core/filter.c")
                && d[0].message.contains("NETWORKING [GENERAL]"),
            "{}",
            d[0].message
        );
        let ok = email(
            "[PATCH bpf-next] bpf: x",
            "To: bpf@vger.kernel.org\nCc: Netdev <NETDEV@vger.kernel.org>\n",
            "",
            BOTH,
        );
        assert!(run(&[ok], &r, RuleId::MaintainersList).is_empty());
    }

    #[test]
    fn maintainers_warned_per_entry_and_cc_trailers_count() {
        let r = fake();
        let item = email(
            "[PATCH bpf-next] bpf: x",
            "To: bpf@vger.kernel.org, netdev@vger.kernel.org\n",
            "Cc: Alexei Starovoitov <ast@kernel.org>\n",
            BOTH,
        );
        let d = run(std::slice::from_ref(&item), &r, RuleId::MaintainersCc);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, crate::Severity::Warning);
        assert!(d[0].message.contains(
            "\"David S. Miller\" <davem@davemloft.net>, Jakub Kicinski <kuba@kernel.org>"
        ));
        assert!(
            !d[0].message.contains("torvalds"),
            "THE REST's maintainer is never asked for"
        );
    }

    /// A netdev patch touching [`BINDING`], with NETWORKING's maintainers and `more` in Cc.
    fn binding_patch(more: &str) -> Item {
        netdev_patch(more, &["net/core/dev.c", BINDING])
    }

    fn netdev_patch(more: &str, files: &[&str]) -> Item {
        let cc = format!("Cc: davem@davemloft.net\nCc: kuba@kernel.org\n{more}");
        let to = "To: netdev@vger.kernel.org\n";
        email("[PATCH net-next] net: acme: x", to, &cc, files)
    }

    #[test]
    fn people_a_touched_binding_names_belong_in_cc() {
        let r = fake();
        let item = binding_patch("");
        let d = run(std::slice::from_ref(&item), &r, RuleId::MaintainersCc);
        assert_eq!(d.len(), 1, "{d:?}");
        // Jakub is in MAINTAINERS already: get_maintainer.pl drops his second address.
        assert_eq!(
            d[0].message,
            format!(
                "not in To: or Cc:, named in {BINDING}: Jane Doe <jane@example.org>, \"José García\" <jose@example.es>"
            )
        );
        let ok = binding_patch("Cc: jane@example.org\nCc: JOSE@example.es\n");
        assert!(run(&[ok], &r, RuleId::MaintainersCc).is_empty());
        // Without the binding in the patch, nobody is read.
        let r = fake();
        let plain = netdev_patch("", &["net/core/dev.c"]);
        assert!(run(&[plain], &r, RuleId::MaintainersCc).is_empty());
        assert_eq!(r.blobs_asked.get(), 0);
    }

    #[test]
    fn bindings_of_a_series_are_read_at_once() {
        let r = fake();
        let p = |n: usize| {
            email(
                &format!("[PATCH net-next {n}/2] net: acme: x"),
                "To: netdev@vger.kernel.org\n",
                "",
                &[BINDING, "net/core/dev.c"],
            )
        };
        let d = run(&[p(1), p(2)], &r, RuleId::MaintainersCc);
        assert_eq!(
            d.iter().filter(|d| d.message.contains("named in")).count(),
            2,
            "{d:?}"
        );
        assert_eq!(r.blobs_asked.get(), 1);
    }

    #[test]
    fn an_unreadable_tree_is_said() {
        let r = Fake {
            head: None,
            ..fake()
        };
        let item = binding_patch("");
        let d = run(&[item], &r, RuleId::MaintainersCc);
        assert!(
            d.iter().any(|d| d.message.contains("could not be read")),
            "{d:?}"
        );
    }

    #[test]
    fn fixes_authors_belong_in_cc() -> Result<(), String> {
        let r = fake();
        let d = run(&[fix("")], &r, RuleId::FixesAuthorCc);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("Bug Author <bug.author@example.org>"));
        assert!(
            d[0].snippet
                .as_deref()
                .is_some_and(|s| s.starts_with("Fixes:"))
        );
        assert!(
            run(
                &[fix("Cc: bug.author@example.org\n")],
                &r,
                RuleId::FixesAuthorCc
            )
            .is_empty()
        );
        // Fixing your own commit: you are the sender.
        let own = fix("")
            .text
            .map(|t| {
                t.replace(
                    "From: Me <me@example.org>",
                    "From: Bug Author <BUG.author@example.org>",
                )
            })
            .ok_or("no text")?;
        let own = Item::from_email(
            "own.patch",
            Email::parse(own.as_bytes(), 1).map_err(|e| e.to_string())?,
        );
        assert!(run(&[own], &r, RuleId::FixesAuthorCc).is_empty());
        Ok(())
    }

    #[test]
    fn mailmap_names_people_as_they_are_now() {
        let mut r = fake();
        r.mailmap = Some(crate::mailmap::Mailmap::parse(
            "Bug Author <bug@new.example.org> <bug.author@example.org>\n\
             David Miller <davem@new.example.org> <davem@davemloft.net>\n\
             Jane Doe <jane@new.example.org> <jane@example.org>\n",
        ));
        // The finding names the address people read now, the one get_maintainer.pl prints.
        let d = run(&[fix("")], &r, RuleId::FixesAuthorCc);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("Bug Author <bug@new.example.org>"),
            "{}",
            d[0].message
        );
        // Either address counts as Cc'd.
        for cc in ["Cc: bug@new.example.org\n", "Cc: bug.author@example.org\n"] {
            assert!(
                run(&[fix(cc)], &r, RuleId::FixesAuthorCc).is_empty(),
                "{cc}"
            );
        }
        // A maintainer Cc'd at the address .mailmap gives is not missing.
        let item = email(
            "[PATCH bpf-next] bpf: x",
            "To: bpf@vger.kernel.org, netdev@vger.kernel.org\n",
            "Cc: davem@new.example.org\nCc: kuba@kernel.org\nCc: ast@kernel.org\n",
            BOTH,
        );
        let d = run(std::slice::from_ref(&item), &r, RuleId::MaintainersCc);
        assert!(d.is_empty(), "{d:?}");
        // So is one a touched binding names, under either address.
        let jose = "Cc: jose@example.es\n";
        let d = run(&[binding_patch(jose)], &r, RuleId::MaintainersCc);
        assert!(
            d.len() == 1 && d[0].message.ends_with("Jane Doe <jane@new.example.org>"),
            "{d:?}"
        );
        for old_or_new in ["jane@example.org", "jane@new.example.org"] {
            let item = binding_patch(&format!("{jose}Cc: {old_or_new}\n"));
            assert!(run(&[item], &r, RuleId::MaintainersCc).is_empty());
        }
        r.mailmap = None;
        let d = run(std::slice::from_ref(&item), &r, RuleId::MaintainersCc);
        assert!(d.iter().any(|d| d.message.contains("davem")), "{d:?}");
    }

    #[test]
    fn unknown_recipients_never_read_maintainers() {
        let r = fake();
        let item = email("[PATCH bpf-next] bpf: x", "", "", BOTH);
        assert!(run(&[item], &r, RuleId::MaintainersList).is_empty());
        let msg = Item::from_message("COMMIT_EDITMSG", b"bpf: x\n\nWhy.\n", &Default::default());
        let cx = Context {
            tree: None,
            repo: Some(&r),
            ..Context::default()
        };
        let _ = check(&[msg], &cx, &Config::default());
        assert_eq!(r.asked.get(), 0);
    }

    #[test]
    fn per_email_checks_never_read_maintainers() {
        // sendemail-validate runs item rules at each email and series rules once, at the
        // last: MAINTAINERS is asked for only then.
        let r = fake();
        let item = email(
            "[PATCH bpf-next] bpf: x",
            "To: bpf@vger.kernel.org\n",
            "",
            BOTH,
        );
        let cx = Context {
            tree: None,
            repo: Some(&r),
            ..Context::default()
        };
        let items = [item];
        let _ =
            crate::rules::check_scoped(&items, &cx, &Config::default(), crate::rules::Scope::Items);
        assert_eq!(r.asked.get(), 0);
        let d = crate::rules::check_scoped(
            &items,
            &cx,
            &Config::default(),
            crate::rules::Scope::Series,
        );
        assert!(d.iter().any(|d| d.rule == RuleId::MaintainersList));
        assert!(r.asked.get() > 0);
    }

    #[test]
    fn other_subsystems_trees_are_out_of_scope() {
        let r = fake();
        let nf = email(
            "[PATCH wireless-next] netfilter: x",
            "To: netfilter-devel@vger.kernel.org\n",
            "",
            &["net/netfilter/core.c"],
        );
        assert!(run(&[nf], &r, RuleId::MaintainersList).is_empty());
        // No tree, but BPF files: in scope.
        let plain = email(
            "[PATCH] bpf: x",
            "To: linux-kernel@vger.kernel.org\n",
            "",
            BOTH,
        );
        assert_eq!(run(&[plain], &r, RuleId::MaintainersList).len(), 2);
    }

    #[test]
    fn an_unreadable_maintainers_fails_closed() {
        let r = Fake {
            unreadable: true,
            ..fake()
        };
        let item = email(
            "[PATCH bpf-next] bpf: x",
            "To: bpf@vger.kernel.org\n",
            "",
            BOTH,
        );
        let d = run(&[item], &r, RuleId::MaintainersList);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("could not be checked"));
    }
}
