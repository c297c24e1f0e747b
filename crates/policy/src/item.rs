//! The unit the rules check: one commit message, patch email, cover letter or commit.

use crate::email::Recipients;
use crate::message::Message;
use crate::prefix::SubjectPrefix;

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
        if !self.email.is_empty() && !other.email.is_empty() {
            if self.email.eq_ignore_ascii_case(&other.email) {
                return true;
            }
        }
        let norm = |n: &str| n.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
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
    /// Text below the `---` line up to the diff (changelog, notes to maintainers), with the
    /// 1-based line number of each line in the source.
    pub notes: Vec<(usize, String)>,
    /// Files the change touches; `None` when unknown (a bare commit message).
    pub files: Option<Vec<FileChange>>,
    /// Whether a diff was present (emails); a patch email without one is a cover letter or junk.
    pub has_diff: bool,
    /// The author: email `From:` (or the in-body `From:`), or the commit author.
    pub author: Option<Ident>,
    /// Recipients, when known (email headers, send-email's header file).
    pub recipients: Option<Recipients>,
    /// A cover letter (`0/N`, or b4's cover commit) rather than a patch.
    pub is_cover: bool,
    /// A merge commit: no message rules apply.
    pub is_merge: bool,
    /// For commits: the full id, so ancestry checks of `Fixes:` can start from it.
    pub commit_id: Option<String>,
}
