//! Splitting a body into in-body headers, commit message, notes and diff.

use super::diff::{diff_git_path, parse_hunk_header};
use super::{Email, EmailError};
use crate::item::Ident;
use crate::message::{Line, is_divider};

impl Email {
    pub(super) fn split_body(&mut self, lines: Vec<Line>) -> Result<(), EmailError> {
        let mut iter = lines.into_iter().peekable();
        // In-body headers (format-patch writes `From:` when the author is not the sender).
        let mut in_body = false;
        while let Some(l) = iter.peek() {
            let t = l.text.as_str();
            if let Some(v) = t.strip_prefix("From:") {
                self.author = Some(Ident::parse(v));
            } else if let Some(v) = t.strip_prefix("Subject:") {
                self.subject = v.trim().to_owned();
            } else if !t.starts_with("Date:") {
                break;
            }
            in_body = true;
            iter.next();
        }
        if in_body && iter.peek().is_some_and(|l| l.text.trim().is_empty()) {
            iter.next();
        }
        let mut diff_seen = false;
        let mut in_notes = false;
        let mut hunk: Option<(usize, usize, usize)> = None; // (old left, new left, start line)
        let mut pending: Option<usize> = None; // index in files of the current `diff --git`
        for l in iter {
            if let Some((old, new, start)) = hunk.as_mut() {
                let t = l.text.as_str();
                match t.as_bytes().first() {
                    Some(b' ') | None => {
                        *old = old.saturating_sub(1);
                        *new = new.saturating_sub(1);
                    }
                    Some(b'-') => *old = old.saturating_sub(1),
                    Some(b'+') => *new = new.saturating_sub(1),
                    Some(b'\\') => {}
                    _ => return Err(EmailError::Truncated(*start)),
                }
                if *old == 0 && *new == 0 {
                    hunk = None;
                }
                continue;
            }
            let t = l.text.as_str();
            if t.starts_with("diff --git ") {
                diff_seen = true;
                self.files.push(diff_git_path(t));
                pending = Some(self.files.len() - 1);
                continue;
            }
            if diff_seen || (in_notes && t.starts_with("--- ") && !is_divider_only(t)) {
                if let Some(h) = parse_hunk_header(t) {
                    diff_seen = true;
                    hunk = Some((h.0, h.1, l.no));
                    continue;
                }
                self.diff_header_line(t, &mut pending);
                diff_seen = true;
                continue;
            }
            if in_notes {
                self.notes.push(l);
            } else if is_divider(&l.text) {
                in_notes = true;
                if t.len() > 3 && t[3..].trim_start().starts_with("a/") {
                    // A bare diff with no `---` of its own: this line opens it.
                    self.diff_header_line(t, &mut pending);
                    diff_seen = true;
                }
            } else {
                self.message.push(l);
            }
        }
        if let Some((_, _, start)) = hunk {
            return Err(EmailError::Truncated(start));
        }
        self.has_diff = diff_seen;
        Ok(())
    }
}

fn is_divider_only(t: &str) -> bool {
    t[3..].trim().is_empty()
}
