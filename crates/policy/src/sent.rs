//! What a send knows beyond its emails: the series this repository sent before (the send
//! log), the clock, the thread it is sent into, and whether it applies to the target tree.
//! The facts are gathered by the caller (the hook, from the repository); the rules that
//! judge them (`repost-too-soon`, `new-version-thread`, `version-sequence`,
//! `applies-to-tree`) are pure.

use crate::item::{Item, ItemKind};

/// One series sendemail-validate let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEntry {
    /// When, in seconds since the epoch.
    pub time: i64,
    /// The target tree, as the subject prefix named it.
    pub tree: Option<String>,
    /// The revision (1 when the prefix has no vN).
    pub version: u32,
    /// The cover letter's title, without its prefix.
    pub cover: Option<String>,
    /// The patches' subjects, without their prefixes.
    pub subjects: Vec<String>,
    /// The first email's Message-Id, when known.
    pub message_id: Option<String>,
}

impl SentEntry {
    /// The entry for a series about to go out.
    pub fn of(items: &[Item], time: i64, message_id: Option<String>) -> SentEntry {
        let mails: Vec<&Item> = items
            .iter()
            .filter(|i| i.kind == ItemKind::Email && !i.pull_request)
            .collect();
        let prefix = mails.iter().find_map(|i| i.prefix.as_ref());
        SentEntry {
            time,
            tree: prefix.and_then(|p| p.tree).map(|t| t.to_string()),
            version: prefix.map_or(1, |p| p.revision()),
            cover: mails
                .iter()
                .find(|i| i.is_cover)
                .map(|i| i.message.subject.trim().to_owned()),
            subjects: mails
                .iter()
                .filter(|i| !i.is_cover)
                .map(|i| i.message.subject.trim().to_owned())
                .collect(),
            message_id,
        }
    }

    /// How the series is called: its cover title, else its first patch's subject.
    pub fn title(&self) -> &str {
        self.cover
            .as_deref()
            .or_else(|| self.subjects.first().map(String::as_str))
            .unwrap_or("")
    }

    /// Whether `other` is the same series, in any version: the same cover title, or (no
    /// title to compare) at least half of the patch subjects shared, so that a v2 with one
    /// reworded patch is still the same series.
    pub fn same_series(&self, other: &SentEntry) -> bool {
        if let (Some(a), Some(b)) = (&self.cover, &other.cover)
            && norm(a) == norm(b)
        {
            return true;
        }
        let theirs: Vec<String> = other.subjects.iter().map(|s| norm(s)).collect();
        let shared = self
            .subjects
            .iter()
            .filter(|s| theirs.contains(&norm(s)))
            .count();
        let smaller = self.subjects.len().min(other.subjects.len());
        smaller > 0 && shared * 2 >= smaller && shared > 0
    }
}

/// The `base-commit:` line git format-patch `--base` writes into the cover letter.
pub fn base_commit(items: &[Item]) -> Option<String> {
    items
        .iter()
        .filter(|i| i.is_cover)
        .flat_map(|i| {
            i.message
                .lines
                .iter()
                .map(|l| l.text.as_str())
                .chain(i.message.notes.iter().map(|l| l.text.as_str()))
        })
        .find_map(|l| l.trim().strip_prefix("base-commit:"))
        .map(|b| b.trim().to_owned())
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether the series applies to the target tree's branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applies {
    /// Every patch applied, in order.
    Yes,
    /// This patch (its origin) did not apply; git's words.
    No {
        /// The email that failed.
        origin: String,
        /// What git apply said (file and hunk).
        detail: String,
    },
    /// Not checked, and why (no ref, a stale ref, git failed).
    Skipped(String),
}

/// The target tree's branch and what was found against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeCheck {
    /// The ref checked against (`bpf-next/master`), when there is one.
    pub tree_ref: Option<String>,
    /// Whether the series applies to its tip.
    pub applies: Applies,
    /// A `base-commit:` of the cover letter that is not in the ref's history.
    pub foreign_base: Option<String>,
}

/// The facts of one send (git send-email run).
#[derive(Debug, Clone, Default)]
pub struct SendFacts {
    /// Now, in seconds since the epoch.
    pub now: i64,
    /// The series this repository sent before, oldest first.
    pub sent: Vec<SentEntry>,
    /// The series against the target tree, when checked.
    pub tree: Option<TreeCheck>,
}
