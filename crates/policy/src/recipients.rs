//! Who must receive a patch: MAINTAINERS' lists, maintainers and reviewers for the files and
//! keywords of the patch, and the authors of the commits its `Fixes:` tags name.
//!
//! Shared by the rules (`maintainers-list`, `maintainers-cc`, `fixes-author-cc`) and by
//! `bpf-policy recipients`, so what is checked and what is offered are the same addresses.

use crate::item::{Ident, Item};
use crate::maintainers::{LKML, Lookup, Maintainers, Recipient};
use crate::repo::{RepoFacts, Resolved};

/// The author of a commit a `Fixes:` tag names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixesAuthor {
    /// The commit's full id.
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// Who wrote it, as `.mailmap` names them now (get_maintainer.pl and `git log
    /// --use-mailmap` show this address; it is the one to Cc).
    pub author: Ident,
    /// The author as the commit records them, when `.mailmap` maps them elsewhere: an
    /// address that may still reach them, so it counts as Cc'd too.
    pub committed_as: Option<Ident>,
    /// Line of the tag in the item (0 when read from raw text).
    pub line: usize,
}

/// The ids named by `Fixes:` lines of a patch's text, as get_maintainer.pl finds them
/// (`^Fixes:\s+<6 to 40 hex digits>`), before the diff starts.
pub fn fixes_ids_in_text(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for line in text.lines() {
        if line.starts_with("diff --git ") || line.starts_with("+++ ") {
            break;
        }
        let Some(rest) = line.strip_prefix("Fixes:") else {
            continue;
        };
        let t = rest.trim_start();
        if t.len() == rest.len() {
            continue;
        }
        let n = t.bytes().take_while(u8::is_ascii_hexdigit).count().min(40);
        if n >= 6 {
            let id = t[..n].to_ascii_lowercase();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// The author of the commit `id` names, when it resolves to exactly one commit.
pub fn author_of(repo: &dyn RepoFacts, id: &str, line: usize) -> Option<FixesAuthor> {
    author_of_resolved(repo, repo.resolve_all(&[id]).pop()?, line)
}

fn author_of_resolved(repo: &dyn RepoFacts, r: Resolved, line: usize) -> Option<FixesAuthor> {
    let Resolved::Commit(c) = r else {
        return None;
    };
    let committed = repo.commit_author(&c.id)?;
    let author = now_known_as(repo, &committed);
    Some(FixesAuthor {
        id: c.id,
        subject: c.subject,
        committed_as: (author != committed).then_some(committed),
        author,
        line,
    })
}

/// A person as the repository's `.mailmap` names them now (themselves when it has no line
/// for them, or there is none).
pub fn now_known_as(repo: &dyn RepoFacts, who: &Ident) -> Ident {
    repo.mailmap().map_or_else(|| who.clone(), |m| m.map(who))
}

/// A MAINTAINERS person as `.mailmap` names them now, when that differs from the file (as
/// get_maintainer.pl maps every address it prints).
pub fn maintainer_now(repo: &dyn RepoFacts, r: &Recipient) -> Option<Ident> {
    let m = repo.mailmap()?;
    let (name, email) = crate::maintainers::parse_email(&r.display);
    let listed = Ident { name, email };
    let now = m.map(&listed);
    (now != listed).then_some(now)
}

/// The authors of the commits an item's `Fixes:` tags name.
pub fn fixes_authors(item: &Item, repo: &dyn RepoFacts) -> Vec<FixesAuthor> {
    let mut out: Vec<FixesAuthor> = Vec::new();
    // Every id resolved in one question.
    let tags: Vec<(String, usize)> = item
        .message
        .fixes_tags()
        .filter_map(|tag| Some((tag.target()?, tag.line.no)))
        .collect();
    let ids: Vec<&str> = tags.iter().map(|(id, _)| id.as_str()).collect();
    for ((_, line), r) in tags.iter().zip(repo.resolve_all(&ids)) {
        if let Some(a) = author_of_resolved(repo, r, *line)
            && !out.iter().any(|o| o.id == a.id)
        {
            out.push(a);
        }
    }
    out
}

/// What MAINTAINERS asks for one patch item; None when the item carries no text (a commit
/// or bare message).
pub fn lookup_item(m: &Maintainers, item: &Item) -> Option<Lookup> {
    let text = item.text.as_deref()?;
    Some(m.lookup(&[text]))
}

/// Lists that must be addressed: every `L:` found, linux-kernel@vger.kernel.org aside.
pub fn required_lists(l: &Lookup) -> impl Iterator<Item = &Recipient> {
    l.lists
        .iter()
        .filter(|r| !r.email.eq_ignore_ascii_case(LKML))
}

/// Lower-case addresses an item is sent to: To, Cc and Bcc, and the message's own `Cc:`
/// trailers (git send-email adds those unless told not to). None when unknown.
pub fn addressed(item: &Item) -> Option<Vec<String>> {
    let r = item.recipients.as_ref()?;
    let mut v: Vec<String> = r
        .all()
        .map(|(a, _)| Ident::parse(a).email.to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    v.extend(
        item.message
            .trailers_named("Cc")
            .map(|t| Ident::parse(&t.value).email.to_lowercase())
            .filter(|e| !e.is_empty()),
    );
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_ids_as_get_maintainer_reads_them() {
        let t = "Subject: x\n\nFixes: 0123456789ab (\"bpf: x\")\nFixes:abcdef0 (\"y\")\nFixes: 12345 (\"short\")\n---\ndiff --git a/x b/x\n+Fixes: fedcba987654\n";
        assert_eq!(fixes_ids_in_text(t), ["0123456789ab"]);
    }
}
