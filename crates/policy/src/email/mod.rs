//! Patch emails as `git format-patch` and `git send-email` write them, and mboxes of them.
//!
//! Headers are unfolded and RFC 2047-decoded by `mailparse`; quoted-printable and base64
//! bodies are decoded by it too. 7bit/8bit bodies (what format-patch writes) are read as they
//! are, so line numbers in diagnostics are exact for them.
//!
//! One file per job: `address` (recipients), `headers` (the header block), `mime` (body
//! decoding), `body` (message/notes/diff split), `diff` (file status), `quote` (C unquoting)
//! and `mbox` (splitting and recognising mboxes). This file keeps `Email` and its errors.

mod address;
mod body;
mod diff;
mod headers;
mod mbox;
mod mime;
mod quote;

pub use address::{Recipients, is_recipient_header, split_addresses};
pub use headers::Header;
pub use mbox::{is_mbox_separator, looks_like_email, split_mbox};
pub use quote::unquote;

use crate::item::{FileChange, Ident};
use crate::message::{Line, split_lines};
use headers::{count_lines, find_header_end, header_start_lines};
use mbox::{mbox_from_line, split_first_line};
use mime::decode_body;

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ChangeStatus;

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
