//! Patch emails as `git format-patch` and `git send-email` write them, and mboxes of them.
//!
//! Headers are unfolded and RFC 2047-decoded by `mailparse`; quoted-printable and base64
//! bodies are decoded by it too. 7bit/8bit bodies (what format-patch writes) are read as they
//! are, so line numbers in diagnostics are exact for them.

use crate::item::{ChangeStatus, FileChange, Ident};
use crate::message::{Line, is_divider, split_lines};

/// Addresses a patch is sent to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipients {
    /// `To:` addresses, each with the line it was found on (0 if unknown).
    pub to: Vec<(String, usize)>,
    /// `Cc:` and `Bcc:` addresses, each with its line.
    pub cc: Vec<(String, usize)>,
}

/// Whether a header names recipients (To, Cc, Bcc): the one place that says which do.
pub fn is_recipient_header(name: &str) -> bool {
    ["to", "cc", "bcc"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

impl Recipients {
    /// The recipients of a block of headers, such as the SMTP header file git send-email
    /// (2.41 and later) gives its sendemail-validate hook.
    pub fn from_header_block(raw: &[u8]) -> Recipients {
        let mut r = Recipients::default();
        if let Ok((headers, _)) = mailparse::parse_headers(raw) {
            for h in headers {
                let key = h.get_key();
                if is_recipient_header(&key) {
                    r.add(&key, &h.get_value(), 0);
                }
            }
        }
        r
    }

    /// Every address, To first.
    pub fn all(&self) -> impl Iterator<Item = &(String, usize)> {
        self.to.iter().chain(self.cc.iter())
    }

    /// Add the addresses of a header value (`a@b, "X, Y" <c@d>`).
    pub fn add(&mut self, header: &str, value: &str, line: usize) {
        let list = if header.eq_ignore_ascii_case("to") {
            &mut self.to
        } else {
            &mut self.cc
        };
        for addr in split_addresses(value) {
            list.push((addr, line));
        }
    }
}

/// Split an address list on commas outside quotes and angle brackets; each element is
/// trimmed and kept as written (display name included).
pub fn split_addresses(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut angle) = (false, false);
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_owned());
                }
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

/// Why an email could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing there.
    #[error("the file is empty")]
    Empty,
    /// NUL bytes: not text.
    #[error("it holds binary data (NUL bytes), not a patch email")]
    Binary,
    /// The header block never ends, or is not headers.
    #[error("no email headers found (expected From:, Subject: ... then a blank line)")]
    NoHeaders,
    /// No Subject: header.
    #[error("the email has no Subject: header")]
    NoSubject,
    /// A hunk promised more lines than the file holds.
    #[error("the email is truncated: the hunk at line {0} ends before its last line")]
    Truncated(usize),
    /// Too large to be a patch email.
    #[error("it is {0} bytes; a single email or message may be at most {MAX_ITEM_BYTES} bytes")]
    TooLarge(usize),
}

/// The largest single email or commit message accepted. Mailing lists bounce mails far
/// smaller; anything this big is not something a hook should spend memory on.
pub const MAX_ITEM_BYTES: usize = 16 * 1024 * 1024;

/// One header, decoded, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Name as written.
    pub name: String,
    /// Unfolded and RFC 2047-decoded value.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
}

/// A parsed patch email.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Email {
    /// The commit id from the mbox `From <id> <date>` line that format-patch writes.
    pub commit_id: Option<String>,
    /// Headers in order.
    pub headers: Vec<Header>,
    /// The decoded subject (prefix included).
    pub subject: String,
    /// Line of the Subject: header.
    pub subject_line: usize,
    /// Author: the in-body `From:` when present, else the `From:` header.
    pub author: Option<Ident>,
    /// To, Cc and Bcc.
    pub recipients: Recipients,
    /// The commit message part of the body (before the first `---`), in-body headers removed.
    pub message: Vec<Line>,
    /// Between the `---` and the diff: notes, changelog and diffstat.
    pub notes: Vec<Line>,
    /// Whether the email carries a diff.
    pub has_diff: bool,
    /// Files the diff touches.
    pub files: Vec<FileChange>,
    /// Invalid UTF-8 was replaced somewhere.
    pub lossy: bool,
    /// The email as read (invalid UTF-8 replaced): MAINTAINERS `K:` keywords are matched
    /// against its lines as get_maintainer.pl reads them.
    pub raw: std::sync::Arc<str>,
}

impl Email {
    /// Parse one email. `first_line` is the line number of its first line in the file
    /// (0 or 1 for a file holding one email).
    pub fn parse(bytes: &[u8], first_line: usize) -> Result<Email, EmailError> {
        let first_line = first_line.max(1);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(EmailError::Empty);
        }
        if bytes.len() > MAX_ITEM_BYTES {
            return Err(EmailError::TooLarge(bytes.len()));
        }
        if bytes.contains(&0) {
            return Err(EmailError::Binary);
        }
        let mut email = Email {
            raw: String::from_utf8_lossy(bytes).into(),
            ..Email::default()
        };
        let mut rest = bytes;
        let mut line_no = first_line;
        if let Some((line, after)) = split_first_line(rest)
            && let Some(id) = mbox_from_line(line)
        {
            email.commit_id = id;
            rest = after;
            line_no += 1;
        }
        let header_end = find_header_end(rest).ok_or(EmailError::NoHeaders)?;
        let (parsed, _) =
            mailparse::parse_headers(&rest[..header_end]).map_err(|_| EmailError::NoHeaders)?;
        let starts = header_start_lines(&rest[..header_end], line_no);
        if parsed.is_empty() || parsed.len() != starts.len() {
            return Err(EmailError::NoHeaders);
        }
        for (h, line) in parsed.iter().zip(starts) {
            let value = h.get_value();
            let name = h.get_key();
            if name.eq_ignore_ascii_case("subject") && email.subject_line == 0 {
                email.subject = value.clone();
                email.subject_line = line;
            } else if name.eq_ignore_ascii_case("from") && email.author.is_none() {
                email.author = Some(Ident::parse(&value));
            } else if is_recipient_header(&name) {
                email.recipients.add(&name, &value, line);
            }
            email.headers.push(Header { name, value, line });
        }
        if email.subject_line == 0 {
            return Err(EmailError::NoSubject);
        }
        let header_lines = count_lines(&rest[..header_end]);
        let body_start_line = line_no + header_lines;
        let body_bytes = &rest[header_end..];
        let (body, lossy) = decode_body(&email.headers, bytes, body_bytes);
        email.lossy = lossy;
        let lines = split_lines(&body, body_start_line);
        email.split_body(lines)?;
        Ok(email)
    }

    fn split_body(&mut self, lines: Vec<Line>) -> Result<(), EmailError> {
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

    fn diff_header_line(&mut self, t: &str, pending: &mut Option<usize>) {
        let set = |files: &mut Vec<FileChange>,
                   pending: &mut Option<usize>,
                   status,
                   path: Option<String>| {
            match pending.and_then(|i| files.get_mut(i)) {
                Some(f) => {
                    f.status = status;
                    if let Some(p) = path {
                        f.path = p;
                    }
                }
                None => {
                    if let Some(p) = path {
                        files.push(FileChange { path: p, status });
                        *pending = Some(files.len() - 1);
                    }
                }
            }
        };
        if t.starts_with("new file mode") {
            set(&mut self.files, pending, ChangeStatus::Added, None);
        } else if t.starts_with("deleted file mode") {
            let path = pending
                .and_then(|i| self.files.get(i))
                .map(|f| f.path.clone());
            set(&mut self.files, pending, ChangeStatus::Deleted, path);
        } else if let Some(p) = t
            .strip_prefix("rename to ")
            .or_else(|| t.strip_prefix("copy to "))
        {
            set(
                &mut self.files,
                pending,
                ChangeStatus::Renamed,
                Some(unquote(p)),
            );
        } else if let Some(p) = t.strip_prefix("+++ ") {
            // Plain diffs (no `diff --git`): the new side names the file.
            if pending.is_none() {
                let p = unquote(p.split('\t').next().unwrap_or(p));
                if p != "/dev/null" {
                    let path = p.strip_prefix("b/").unwrap_or(&p).to_owned();
                    self.files.push(FileChange::modified(path));
                }
            }
        } else if t.starts_with("--- /dev/null") && pending.is_none() {
            // A plain diff adding a file: the `+++` line that follows names it.
        }
    }
}

fn is_divider_only(t: &str) -> bool {
    t[3..].trim().is_empty()
}

/// `@@ -a,b +c,d @@` -> (b, d): how many old and new lines the hunk holds.
fn parse_hunk_header(t: &str) -> Option<(usize, usize)> {
    let rest = t.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(' ')?;
    let rest = rest.strip_prefix('+')?;
    let (new, _) = rest.split_once(' ')?;
    let count = |r: &str| -> Option<usize> {
        match r.split_once(',') {
            Some((_, n)) => n.parse().ok(),
            None => r.parse::<usize>().ok().map(|_| 1),
        }
    };
    Some((count(old)?, count(new)?))
}

/// The file of a `diff --git a/X b/Y` line (the new path), unquoting C-style quoted names.
fn diff_git_path(t: &str) -> FileChange {
    let rest = &t["diff --git ".len()..];
    let path = if rest.starts_with('"') {
        // "a/x" "b/y": take the second quoted or plain name.
        let (_, after) = take_quoted(rest);
        unquote(after.trim())
    } else if let Some(idx) = rest.find(" b/") {
        // Both sides are equal for anything but renames, which `rename to` fixes up later.
        rest[idx + 1..].to_owned()
    } else {
        rest.split(' ').next_back().unwrap_or(rest).to_owned()
    };
    let path = path.strip_prefix("b/").unwrap_or(&path).to_owned();
    FileChange::modified(path)
}

fn take_quoted(s: &str) -> (String, &str) {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            return (s[..=i].to_owned(), &s[i + 1..]);
        }
    }
    (s.to_owned(), "")
}

/// Undo git's C-style quoting of a path (`"a/f\303\266o"`); plain paths pass through.
pub fn unquote(s: &str) -> String {
    let s = s.trim();
    let Some(inner) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) else {
        return s.to_owned();
    };
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            i += 1;
            match b[i] {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'a' => out.push(7),
                b'b' => out.push(8),
                b'f' => out.push(12),
                b'v' => out.push(11),
                b'r' => out.push(b'\r'),
                d @ b'0'..=b'3'
                    if i + 2 < b.len()
                        && (b'0'..=b'7').contains(&b[i + 1])
                        && (b'0'..=b'7').contains(&b[i + 2]) =>
                {
                    out.push((d - b'0') * 64 + (b[i + 1] - b'0') * 8 + (b[i + 2] - b'0'));
                    i += 2;
                }
                other => out.push(other),
            }
        } else {
            out.push(b[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn split_first_line(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let nl = b.iter().position(|&c| c == b'\n')?;
    Some((&b[..nl], &b[nl + 1..]))
}

/// `From <40 or 64 hex> Mon Sep 17 00:00:00 2001` (format-patch) or any mbox separator line.
/// Returns the commit id when the line carries one.
fn mbox_from_line(line: &[u8]) -> Option<Option<String>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).ok()?;
    let rest = text.strip_prefix("From ")?;
    let word = rest.split(' ').next().unwrap_or("");
    if (word.len() == 40 || word.len() == 64) && word.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(Some(word.to_ascii_lowercase()));
    }
    is_mbox_separator(line).then_some(None)
}

/// Whether a `From ` line is a real mbox separator, judged as git mailsplit does: it must end
/// in a time and a year (`... 12:34:56 2024`), so prose lines starting "From " do not split.
pub fn is_mbox_separator(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() < 20 || !line.starts_with(b"From ") {
        return false;
    }
    let Some(colon) = line.iter().rposition(|&c| c == b':') else {
        return false;
    };
    if colon < 9 {
        return false;
    }
    let digit = |i: usize| line.get(i).is_some_and(u8::is_ascii_digit);
    if !(digit(colon - 4)
        && digit(colon - 2)
        && digit(colon - 1)
        && digit(colon + 1)
        && digit(colon + 2))
    {
        return false;
    }
    let year: String = line[colon + 3..]
        .iter()
        .skip_while(|c| **c == b' ')
        .take_while(|c| c.is_ascii_digit())
        .map(|&c| c as char)
        .collect();
    year.parse::<u32>().is_ok_and(|y| y > 90)
}

/// Split an mbox into its emails: (line number of the email's first line, bytes).
/// A file that does not start with a separator is one email.
pub fn split_mbox(bytes: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut pos = 0usize;
    let mut line = 1usize;
    let mut prev_blank = true;
    while pos < bytes.len() {
        let end = bytes[pos..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(bytes.len(), |n| pos + n + 1);
        let text = &bytes[pos..end];
        let content = text.strip_suffix(b"\n").unwrap_or(text);
        // A separator must follow a blank line (or open the file), as in any mbox.
        if pos > start && prev_blank && is_mbox_separator(content) {
            out.push((start_line, &bytes[start..pos]));
            start = pos;
            start_line = line;
        }
        prev_blank = content
            .strip_suffix(b"\r")
            .unwrap_or(content)
            .iter()
            .all(u8::is_ascii_whitespace);
        pos = end;
        line += 1;
    }
    if start < bytes.len() || out.is_empty() {
        out.push((start_line, &bytes[start..]));
    }
    out
}

/// Whether bytes look like an email (mbox From line, or headers with a Subject before the
/// first blank line) rather than a commit message.
pub fn looks_like_email(bytes: &[u8]) -> bool {
    if let Some((first, _)) = split_first_line(bytes)
        && mbox_from_line(first).is_some()
    {
        return true;
    }
    let head = &bytes[..find_header_end(bytes).unwrap_or(0)];
    if head.is_empty() {
        return false;
    }
    let mut has_subject = false;
    let mut has_from = false;
    for l in head.split(|&c| c == b'\n') {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        if l.is_empty() || l[0] == b' ' || l[0] == b'\t' {
            continue;
        }
        let Some(colon) = l.iter().position(|&c| c == b':') else {
            return false;
        };
        let name = &l[..colon];
        if name.is_empty() || !name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-') {
            return false;
        }
        has_subject |= name.eq_ignore_ascii_case(b"subject");
        has_from |= name.eq_ignore_ascii_case(b"from");
    }
    has_subject && has_from
}

/// Offset just past the blank line that ends the header block.
fn find_header_end(b: &[u8]) -> Option<usize> {
    let mut pos = 0;
    while pos < b.len() {
        let end = b[pos..].iter().position(|&c| c == b'\n').map(|n| pos + n);
        let line = &b[pos..end.unwrap_or(b.len())];
        if line.is_empty() || line == b"\r" {
            return Some(end.map_or(b.len(), |e| e + 1));
        }
        pos = end? + 1;
    }
    None
}

fn count_lines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

fn header_start_lines(head: &[u8], first: usize) -> Vec<usize> {
    head.split(|&c| c == b'\n')
        .enumerate()
        .filter(|(_, l)| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            !l.is_empty() && l[0] != b' ' && l[0] != b'\t'
        })
        .map(|(i, _)| first + i)
        .collect()
}

fn decode_body(headers: &[Header], whole: &[u8], body: &[u8]) -> (String, bool) {
    let cte = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-transfer-encoding"))
        .map(|h| h.value.trim().to_ascii_lowercase());
    let ctype = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.to_ascii_lowercase())
        .unwrap_or_default();
    let needs_mime = matches!(cte.as_deref(), Some("quoted-printable") | Some("base64"))
        || ctype.starts_with("multipart/");
    if needs_mime && let Ok(mail) = mailparse::parse_mail(whole) {
        let part = if mail.subparts.is_empty() {
            &mail
        } else {
            mail.subparts
                .iter()
                .find(|p| p.ctype.mimetype.eq_ignore_ascii_case("text/plain"))
                .unwrap_or(&mail)
        };
        if let Ok(text) = part.get_body() {
            return (text, false);
        }
    }
    match String::from_utf8_lossy(body) {
        std::borrow::Cow::Borrowed(s) => (s.to_owned(), false),
        std::borrow::Cow::Owned(s) => (s, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: =?UTF-8?q?J=C3=B6rg=20M=C3=BCller?= <jm@example.org>
Date: Tue, 1 Oct 2024 10:00:00 +0200
Subject: [PATCH bpf-next v2 1/2] libbpf: Add a
 folded subject
To: bpf@vger.kernel.org
Cc: Alexei Starovoitov <ast@kernel.org>,
 \"Borkmann, Daniel\" <daniel@iogearbox.net>

The body explains why.

Signed-off-by: Jörg Müller <jm@example.org>
---
v1 -> v2: renamed things

 tools/lib/bpf/libbpf.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/tools/lib/bpf/libbpf.c b/tools/lib/bpf/libbpf.c
index 1111111..2222222 100644
--- a/tools/lib/bpf/libbpf.c
+++ b/tools/lib/bpf/libbpf.c
@@ -1,3 +1,3 @@
 a
-b
+c
 d
diff --git \"a/tools/sp ace\" \"b/tools/sp ace\"
new file mode 100644
--- /dev/null
+++ \"b/tools/sp ace\"
@@ -0,0 +1 @@
+x
-- 
2.47.3
";

    #[test]
    fn format_patch_email() -> Result<(), EmailError> {
        let e = Email::parse(PATCH.as_bytes(), 1)?;
        assert_eq!(
            e.commit_id.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(
            e.subject,
            "[PATCH bpf-next v2 1/2] libbpf: Add a folded subject"
        );
        assert_eq!(e.subject_line, 4);
        assert_eq!(
            e.author.as_ref().map(|a| a.name.as_str()),
            Some("Jörg Müller")
        );
        assert_eq!(e.recipients.to.len(), 1);
        assert_eq!(e.recipients.cc.len(), 2);
        assert_eq!(
            e.recipients.cc[1].0,
            "\"Borkmann, Daniel\" <daniel@iogearbox.net>"
        );
        assert_eq!(e.message.first().map(|l| l.no), Some(10));
        assert_eq!(
            e.message.first().map(|l| l.text.as_str()),
            Some("The body explains why.")
        );
        assert!(e.notes.iter().any(|l| l.text.starts_with("v1 -> v2")));
        assert!(e.has_diff);
        assert_eq!(
            e.files,
            vec![
                FileChange::modified("tools/lib/bpf/libbpf.c"),
                FileChange {
                    path: "tools/sp ace".into(),
                    status: ChangeStatus::Added
                }
            ]
        );
        Ok(())
    }

    #[test]
    fn truncated_hunk_is_an_error() {
        let cut = &PATCH[..PATCH.find("+c").unwrap_or(0)];
        assert!(matches!(
            Email::parse(cut.as_bytes(), 1),
            Err(EmailError::Truncated(_))
        ));
    }

    #[test]
    fn in_body_from_overrides_author() -> Result<(), EmailError> {
        let e = Email::parse(
            b"From: Sender <s@x>\nSubject: [PATCH bpf] bpf: x\n\nFrom: Real Author <ra@x>\n\nWhy.\n\nSigned-off-by: Real Author <ra@x>\n",
            1,
        )?;
        assert_eq!(e.author.map(|a| a.email), Some("ra@x".to_owned()));
        assert_eq!(e.message.first().map(|l| l.text.as_str()), Some("Why."));
        Ok(())
    }

    #[test]
    fn quoted_printable_body() -> Result<(), EmailError> {
        let e = Email::parse(
            b"From: A <a@x>\nSubject: [PATCH bpf] bpf: x\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\nJ=C3=B6rg wrote a very long line that was soft-wrapped by the encoder here=\n and continues.\n\nSigned-off-by: A <a@x>\n",
            1,
        )?;
        assert!(e.message[0].text.starts_with("Jörg wrote"));
        assert!(e.message[0].text.ends_with("and continues."));
        Ok(())
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(Email::parse(b"", 1), Err(EmailError::Empty));
        assert_eq!(Email::parse(b"\x00\x01junk", 1), Err(EmailError::Binary));
        assert_eq!(
            Email::parse(b"From: a\nTo: b\n\nbody\n", 1),
            Err(EmailError::NoSubject)
        );
        assert_eq!(Email::parse(b"Subject: x", 1), Err(EmailError::NoHeaders));
    }

    #[test]
    fn mbox_split_like_mailsplit() {
        let mbox = b"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nFrom: a\nSubject: one\n\nFrom the start, prose.\nFrom me Mon Sep 17 00:00:00 2001 is not after a blank line\n\nFrom someone@example.org Tue Oct  1 10:00:00 2024\nFrom: b\nSubject: two\n\nbody\n";
        let parts = split_mbox(mbox);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].0, 8);
        assert!(is_mbox_separator(
            b"From someone@example.org Tue Oct  1 10:00:00 2024"
        ));
        assert!(!is_mbox_separator(b"From the start, prose that is long."));
        assert!(looks_like_email(parts[1].1));
        assert!(!looks_like_email(b"bpf: subject\n\nbody\n"));
        assert!(!looks_like_email(b"Fixes: abc\nSubject: y\n\nx"));
    }

    #[test]
    fn unquote_c_style() {
        assert_eq!(unquote("\"a/f\\303\\266o\""), "a/föo");
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(
            split_addresses("a@b, \"X, Y\" <c@d>,"),
            vec!["a@b", "\"X, Y\" <c@d>"]
        );
    }
}
