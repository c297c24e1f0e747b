//! The unit the rules check: one commit message, patch email, cover letter or commit.

use crate::email::{Email, Recipients, is_recipient_header};
use crate::message::{CommentChar, Line, Message, ParseOptions};
use crate::prefix::{SubjectPrefix, parse_subject};

/// How a file changed in a patch or commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStatus {
    /// The file is new.
    Added,
    /// The file existed and was changed (also mode changes).
    Modified,
    /// The file was removed.
    Deleted,
    /// The file was renamed or copied to this path.
    Renamed,
}

/// One file a patch or commit touches, by its path after the change (before, for deletions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Path relative to the top of the tree, `/`-separated.
    pub path: String,
    /// What happened to it.
    pub status: ChangeStatus,
}

impl FileChange {
    /// A changed file.
    pub fn modified(path: impl Into<String>) -> Self {
        FileChange {
            path: path.into(),
            status: ChangeStatus::Modified,
        }
    }
}

/// A person, as in `Name <email>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ident {
    /// Display name; may be empty.
    pub name: String,
    /// Address; may be empty.
    pub email: String,
}

impl Ident {
    /// Parse `Name <addr>`, `<addr>`, `addr` or `"Name" <addr>` leniently.
    pub fn parse(s: &str) -> Ident {
        let s = s.trim();
        if let (Some(lt), Some(gt)) = (s.rfind('<'), s.rfind('>'))
            && lt < gt
        {
            let name = s[..lt].trim().trim_matches('"').trim().to_owned();
            let email = s[lt + 1..gt].trim().to_owned();
            return Ident { name, email };
        }
        if s.contains('@') && !s.contains(char::is_whitespace) {
            return Ident {
                name: String::new(),
                email: s.to_owned(),
            };
        }
        Ident {
            name: s.to_owned(),
            email: String::new(),
        }
    }

    /// Same person: email equal ignoring case, or (when either has no email) the same name.
    pub fn same_person(&self, other: &Ident) -> bool {
        if !self.email.is_empty() && self.email.eq_ignore_ascii_case(&other.email) {
            return true;
        }
        let norm = |n: &str| {
            n.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        !self.name.trim().is_empty() && norm(&self.name) == norm(&other.name)
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.name.is_empty(), self.email.is_empty()) {
            (false, false) => write!(f, "{} <{}>", self.name, self.email),
            (true, false) => f.write_str(&self.email),
            _ => f.write_str(&self.name),
        }
    }
}

/// What kind of input an item came from; some rules only apply to some kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A commit message on its own (commit-msg hook, `check --as message`).
    Message,
    /// A patch email (format-patch, send-email, mbox).
    Email,
    /// A commit read from the repository (`--range`, pre-push).
    Commit,
}

/// One thing to check, with everything the rules may look at.
#[derive(Debug, Clone)]
pub struct Item {
    /// Where it came from, for diagnostics: a path, `<stdin>` or a commit id.
    pub origin: String,
    /// Message, email or commit.
    pub kind: ItemKind,
    /// The parsed message: subject (without the `[PATCH ...]` prefix), body, trailers.
    pub message: Message,
    /// The subject prefix, for emails.
    pub prefix: Option<SubjectPrefix>,
    /// The subject as written, prefix included (what a diagnostic on the subject shows).
    pub full_subject: String,
    /// Files the change touches; `None` when unknown (a bare commit message).
    pub files: Option<Vec<FileChange>>,
    /// Whether a diff was present (emails); a patch email without one is a cover letter or junk.
    pub has_diff: bool,
    /// The author: email `From:` (or the in-body `From:`), or the commit author.
    pub author: Option<Ident>,
    /// Recipients, when known (email headers, send-email's header file).
    pub recipients: Option<Recipients>,
    /// A cover letter (`0/N`, or b4's cover commit: its marker and tracking JSON, and for a
    /// commit no changed files) rather than a patch.
    pub is_cover: bool,
    /// A merge commit: no message rules apply.
    pub is_merge: bool,
    /// For commits: the full id, so ancestry checks of `Fixes:` can start from it.
    pub commit_id: Option<String>,
    /// A maintainer's pull request (`pull-request: bpf-next 2024-10-01`), not a patch: only
    /// `pull-request-subject` looks at it.
    pub pull_request: bool,
    /// The email's In-Reply-To (or send-email's, from its header file): the thread it is
    /// sent into.
    pub in_reply_to: Option<String>,
    /// For emails: the text as read, for MAINTAINERS keyword (`K:`) matching.
    pub text: Option<std::sync::Arc<str>>,
}

/// The line b4 puts between a cover letter and its tracking JSON in its cover commit.
pub const B4_TRACKING_MARKER: &str = "--- b4-submit-tracking ---";

impl Item {
    /// A commit message on its own (commit-msg hook, `check --as message`).
    pub fn from_message(origin: impl Into<String>, bytes: &[u8], opts: &ParseOptions) -> Item {
        Item::from_parsed_message(origin, Message::parse(bytes, opts))
    }

    /// A commit message parsed by the caller (the commit-msg hook cleans it up the way git
    /// will record it first).
    pub fn from_parsed_message(origin: impl Into<String>, message: Message) -> Item {
        let is_cover = is_b4_cover(&message);
        Item {
            origin: origin.into(),
            kind: ItemKind::Message,
            full_subject: message.subject.clone(),
            message,
            prefix: None,
            files: None,
            has_diff: false,
            author: None,
            recipients: None,
            is_cover,
            is_merge: false,
            commit_id: None,
            pull_request: false,
            in_reply_to: None,
            text: None,
        }
    }

    /// A commit read from the repository.
    pub fn from_commit(
        id: &str,
        bytes: &[u8],
        author: Ident,
        files: Vec<FileChange>,
        parent_count: usize,
    ) -> Item {
        let mut item = Item::from_message(
            crate::repo::short_id(id).to_owned(),
            bytes,
            &ParseOptions {
                comment: CommentChar::None,
                first_line: 1,
            },
        );
        item.kind = ItemKind::Commit;
        // b4's cover commit changes nothing (its tree is its parent's); a commit with files
        // is a patch whatever its message says.
        item.is_cover &= files.is_empty() && parent_count <= 1;
        item.author = Some(author);
        item.files = Some(files);
        item.is_merge = parent_count > 1;
        item.commit_id = Some(id.to_owned());
        item
    }

    /// A patch email (or cover letter).
    pub fn from_email(origin: impl Into<String>, email: Email) -> Item {
        let (prefix, summary) = parse_subject(&email.subject);
        // The body was split from its notes where the diff was found; the message is built
        // from that split, not split again. The subject comes first, as in a commit.
        let mut lines = Vec::with_capacity(email.message.len() + 2);
        lines.push(Line {
            no: email.subject_line,
            text: summary.to_owned(),
        });
        lines.push(Line {
            no: email.subject_line,
            text: String::new(),
        });
        lines.extend(email.message);
        let mut message = Message::from_parts(lines, email.notes);
        message.lossy = email.lossy;
        let is_cover =
            prefix.as_ref().is_some_and(|p| p.number() == Some(0)) || is_b4_cover(&message);
        let pull_request = pull_request_of(summary).is_some();
        // Recipients are known only when the email names some (format-patch without --to
        // writes none; send-email's header file adds them later).
        let in_reply_to = email
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("in-reply-to"))
            .map(|h| h.value.trim().to_owned())
            .filter(|v| !v.is_empty());
        let recipients = email
            .headers
            .iter()
            .any(|h| is_recipient_header(&h.name))
            .then_some(email.recipients);
        Item {
            origin: origin.into(),
            kind: ItemKind::Email,
            full_subject: email.subject,
            message,
            prefix,
            files: Some(email.files),
            has_diff: email.has_diff,
            author: email.author,
            recipients,
            is_cover,
            is_merge: false,
            commit_id: email.commit_id,
            pull_request,
            in_reply_to,
            text: Some(email.raw),
        }
    }

    /// The subject as a line, for diagnostics that point at it.
    pub fn subject_line(&self) -> Line {
        Line {
            no: self.message.subject_line,
            text: if self.kind == ItemKind::Email {
                format!("Subject: {}", self.full_subject)
            } else {
                self.full_subject.clone()
            },
        }
    }

    /// `fixup!`, `squash!` or `amend!` commits, made to be folded away by `rebase --autosquash`.
    pub fn is_fixup(&self) -> bool {
        let s = self.message.subject.trim_start();
        ["fixup!", "squash!", "amend!"]
            .iter()
            .any(|p| s.starts_with(p))
    }

    /// A revert (git's own `Revert "..."` or a hand-written `Revert ...`).
    pub fn is_revert(&self) -> bool {
        self.message.subject.starts_with("Revert ") || self.message.subject.starts_with("Reapply ")
    }

    /// Whether every touched file is a test, documentation or MAINTAINERS (fixes-required
    /// exempts such patches: they accompany a fix). Unknown files: false.
    pub fn only_tests_or_docs(&self) -> bool {
        self.files.as_deref().is_some_and(only_tests_or_docs)
    }

    /// Whether the change touches a path matching `pred`.
    pub fn touches(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.files
            .as_ref()
            .is_some_and(|f| f.iter().any(|c| pred(&c.path)))
    }
}

/// For a BPF pull request's summary (`pull-request: bpf-next 2024-10-01`, after any bracket
/// groups), the text after `pull-request:`. Pull requests of other subsystems' trees
/// (`pull-request: can-next 2024-10-07`, sent as netdev cover letters) are not ours: None.
pub fn pull_request_of(summary: &str) -> Option<&str> {
    let head = summary.trim_start().get(..13)?;
    if !head.eq_ignore_ascii_case("pull-request:") {
        return None;
    }
    let rest = summary.trim_start()[13..].trim();
    let first = rest.split_whitespace().next().unwrap_or("");
    let ours = first.is_empty()
        || first.starts_with(|c: char| c.is_ascii_digit())
        || first.parse::<crate::tree::Tree>().is_ok()
        || parse_subject(&format!("[{first}] x"))
            .0
            .is_some_and(|p| p.tree.is_some() || !p.problems.is_empty() || p.other.is_empty());
    ours.then_some(rest)
}

/// Whether every file is a test, documentation or MAINTAINERS; an empty list is not.
pub fn only_tests_or_docs(files: &[FileChange]) -> bool {
    !files.is_empty()
        && files.iter().all(|c| {
            c.path.starts_with("tools/testing/selftests/")
                || c.path.starts_with("Documentation/")
                || c.path == "MAINTAINERS"
        })
}

/// b4's marker line followed by its tracking JSON (`{ "series": ... }`). The marker alone
/// is text anyone can type; whether the commit is also empty, as b4's cover commit is, is
/// for whoever knows its files to say ([`Item::from_commit`], the commit-msg hook).
fn is_b4_cover(m: &Message) -> bool {
    let mut after = m
        .lines
        .iter()
        .chain(m.notes.iter())
        .skip_while(|l| l.text.trim() != B4_TRACKING_MARKER);
    if after.next().is_none() {
        return false;
    }
    let (mut object, mut series) = (false, false);
    for l in after {
        object |= l.text.trim_start().starts_with('{');
        series |= object && l.text.contains("\"series\"");
    }
    series
}
