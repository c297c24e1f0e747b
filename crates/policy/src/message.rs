//! Commit messages: cleanup the way git does it, then subject, body and trailer block.
//!
//! The trailer block follows git's own rules (trailer.c): it is the last paragraph, made of
//! `Token: value` lines (token characters are letters, digits and `-`, optionally followed by
//! blanks before the colon) and their indented continuation lines. A paragraph with some other
//! lines still counts when at least a quarter are trailers and one is a `Signed-off-by:` or a
//! `(cherry picked from commit ...)` line, as git decides.

use std::borrow::Cow;
use std::collections::HashSet;

/// One line of input, with its 1-based line number in the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the file the message came from.
    pub no: usize,
    /// The text, without the line terminator (and without a trailing `\r`).
    pub text: String,
}

/// A `Key: value` trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// The key as written (`Signed-off-by`, `Acked-By`, ...).
    pub key: String,
    /// The value, with continuation lines joined by a single space, trimmed.
    pub value: String,
    /// Line number of the key line.
    pub line: usize,
    /// Whitespace stood between the key and the colon (`Fixes :`).
    pub spaced_separator: bool,
    /// The line exactly as written (first line only).
    pub raw: String,
    /// Whether the line sits in the trailer block (true) or is a tag-looking line in the body.
    pub in_block: bool,
}

impl Trailer {
    /// Case-insensitive key comparison.
    pub fn is(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }

    /// The key line as written, where a finding about this trailer points.
    pub fn line(&self) -> Line {
        Line {
            no: self.line,
            text: self.raw.clone(),
        }
    }
}

/// How comment lines are recognised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CommentChar {
    /// No comment lines: the message is taken as committed.
    None,
    /// git's default `#`.
    #[default]
    Hash,
    /// `core.commentChar` / `core.commentString` set to a string.
    Custom(String),
    /// `core.commentChar=auto`: git picked a character not used at the start of any line;
    /// recognise it from the lines git itself writes.
    Auto,
}

/// Options for [`Message::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// Comment lines to drop.
    pub comment: CommentChar,
    /// Line number of the first line of the input in its file (0 means 1).
    pub first_line: usize,
}

/// A parsed commit message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// The subject: the first paragraph, folded to one line as `git log --format=%s` does.
    pub subject: String,
    /// Line number of the subject's first line (0 when there is no subject).
    pub subject_line: usize,
    /// Body lines between the subject and the trailer block, blank edges trimmed.
    pub body: Vec<Line>,
    /// The trailer block's trailers, plus `Key: value` lines with a well-known key found
    /// in the body (with `in_block == false`): a `Fixes:` separated from the sign-offs by a
    /// blank line is still a Fixes tag to a reviewer.
    pub trailers: Vec<Trailer>,
    /// The `---` divider and the lines after it, when the message carries notes for
    /// format-patch (or is b4's cover commit, whose tracking data follows such a line).
    pub notes: Vec<Line>,
    /// All lines after cleanup and before the divider, for whole-message scans.
    pub lines: Vec<Line>,
    /// Invalid UTF-8 was replaced.
    pub lossy: bool,
}

/// Trailer keys the kernel uses; body lines with these keys count as tags.
pub const KNOWN_KEYS: &[&str] = &[
    "Signed-off-by",
    "Acked-by",
    "Reviewed-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
    "Co-developed-by",
    "Reported-and-tested-by",
    "Assisted-by",
    "Requested-by",
    "Debugged-by",
    "Originally-by",
    "Fixes",
    "Link",
    "Closes",
    "Cc",
    "Message-ID",
];

impl Message {
    /// Parse a message from raw bytes. Never fails: invalid UTF-8 is replaced (and
    /// [`Message::lossy`] set), CRLF line ends are accepted.
    pub fn parse(bytes: &[u8], opts: &ParseOptions) -> Message {
        let (text, lossy) = match String::from_utf8_lossy(bytes) {
            Cow::Borrowed(s) => (Cow::Borrowed(s), false),
            Cow::Owned(s) => (Cow::Owned(s), true),
        };
        let mut msg = Self::parse_str(&text, opts);
        msg.lossy = lossy;
        msg
    }

    /// Parse a message from text.
    pub fn parse_str(text: &str, opts: &ParseOptions) -> Message {
        Self::from_lines(split_lines(text, opts.first_line), &opts.comment)
    }

    /// Parse from lines that already carry their line numbers (an email's subject and body
    /// come from different places in the file).
    pub fn from_lines(raw: Vec<Line>, comment: &CommentChar) -> Message {
        let comment = resolve_comment(comment, &raw);
        let mut lines: Vec<Line> = Vec::with_capacity(raw.len());
        for line in raw {
            if let Some(c) = comment.as_deref() {
                if is_scissors(&line.text, c) {
                    break;
                }
                if line.text.starts_with(c) {
                    continue;
                }
            }
            lines.push(line);
        }
        // A split at the first patch divider: what follows is for reviewers, not the log.
        let divider = lines.iter().position(|l| is_divider(&l.text));
        let mut notes: Vec<Line> = match divider {
            Some(d) => lines.split_off(d),
            None => Vec::new(),
        };
        while notes.last().is_some_and(|l| is_blank(&l.text)) {
            notes.pop();
        }
        while lines.last().is_some_and(|l| is_blank(&l.text)) {
            lines.pop();
        }
        let start = lines
            .iter()
            .position(|l| !is_blank(&l.text))
            .unwrap_or(lines.len());
        let content = &lines[start..];

        let mut msg = Message {
            notes,
            ..Message::default()
        };
        let subject_end = content
            .iter()
            .position(|l| is_blank(&l.text))
            .unwrap_or(content.len());
        if subject_end > 0 {
            msg.subject_line = content[0].no;
            msg.subject = content[..subject_end]
                .iter()
                .map(|l| l.text.trim())
                .collect::<Vec<_>>()
                .join(" ");
        }
        let rest = &content[subject_end..];
        // The last paragraph of what follows the subject is the trailer block candidate.
        let last_para_start = rest
            .iter()
            .rposition(|l| is_blank(&l.text))
            .map_or(rest.len(), |p| p + 1);
        let (body_part, block) =
            if last_para_start < rest.len() && is_trailer_block(&rest[last_para_start..]) {
                (&rest[..last_para_start], &rest[last_para_start..])
            } else {
                (rest, &rest[rest.len()..])
            };

        let body_start = body_part
            .iter()
            .position(|l| !is_blank(&l.text))
            .unwrap_or(body_part.len());
        let body_end = body_part
            .iter()
            .rposition(|l| !is_blank(&l.text))
            .map_or(body_start, |p| p + 1);
        msg.body = body_part[body_start..body_end.max(body_start)].to_vec();

        for line in &msg.body {
            if let Some(t) = parse_trailer_line(&line.text, line.no)
                && KNOWN_KEYS.iter().any(|k| t.is(k))
                && !t.value.is_empty()
            {
                msg.trailers.push(Trailer {
                    in_block: false,
                    ..t
                });
            }
        }
        let mut last_in_block: Option<usize> = None;
        for line in block {
            if let Some(t) = parse_trailer_line(&line.text, line.no) {
                msg.trailers.push(Trailer {
                    in_block: true,
                    ..t
                });
                last_in_block = Some(msg.trailers.len() - 1);
            } else if line.text.starts_with([' ', '\t']) && last_in_block.is_some() {
                if let Some(t) = last_in_block.and_then(|i| msg.trailers.get_mut(i)) {
                    if !t.value.is_empty() {
                        t.value.push(' ');
                    }
                    t.value.push_str(line.text.trim());
                }
            } else {
                // A maintainer's note such as `[ast: reworded]`: not a trailer, and it ends
                // the previous one's continuation.
                last_in_block = None;
            }
        }
        msg.lines = content.to_vec();
        msg
    }

    /// Trailers with this key (case-insensitive), block and body alike.
    pub fn trailers_named<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Trailer> + 'a {
        self.trailers.iter().filter(move |t| t.is(key))
    }

    /// Body lines that say something: not blank and not a tag line.
    pub fn prose_lines(&self) -> impl Iterator<Item = &Line> {
        // A set, not a scan per line: a body of many tags would make that quadratic.
        let tags: HashSet<usize> = self
            .trailers
            .iter()
            .filter(|t| !t.in_block)
            .map(|t| t.line)
            .collect();
        self.body
            .iter()
            .filter(move |l| !is_blank(&l.text) && !tags.contains(&l.no))
    }
}

/// Split text into numbered lines (`first` is the number of the first, 0 meaning 1), dropping
/// a `\r` before each `\n`. A final newline does not make an extra empty line.
pub fn split_lines(text: &str, first: usize) -> Vec<Line> {
    let first = first.max(1);
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: first + i,
            text: l.strip_suffix('\r').unwrap_or(l).to_owned(),
        })
        .collect()
}

/// A line holding only whitespace.
pub fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// The `---` line that separates a message from notes and the diff: `---` alone (trailing
/// blanks allowed) or `--- ` followed by a file name, as git's mailinfo decides.
pub fn is_divider(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("---") else {
        return false;
    };
    if rest.trim().is_empty() {
        return true;
    }
    let mut chars = rest.chars();
    chars.next() == Some(' ') && chars.next().is_some_and(|c| !c.is_whitespace())
}

/// The comment string in force for these lines (`None`: no comment lines), resolving
/// `core.commentChar=auto` from the lines git wrote.
pub fn resolve_comment(c: &CommentChar, lines: &[Line]) -> Option<String> {
    match c {
        CommentChar::None => None,
        CommentChar::Hash => Some("#".to_owned()),
        CommentChar::Custom(s) if s.is_empty() => None,
        CommentChar::Custom(s) => Some(s.clone()),
        CommentChar::Auto => {
            // git writes these lines itself; whichever character opens them is the one in use.
            for l in lines {
                let t = &l.text;
                let Some(first) = t.chars().next() else {
                    continue;
                };
                let rest = &t[first.len_utf8()..];
                if rest.starts_with(" ------------------------ >8 ------------------------")
                    || rest.starts_with(" Please enter the commit message")
                    || rest.starts_with(" Please enter a commit message")
                    || rest.starts_with(" Lines starting with '")
                {
                    return Some(first.to_string());
                }
            }
            Some("#".to_owned())
        }
    }
}

/// git's scissors line, exactly as git looks for it (wt_status_locate_end): the comment
/// string, a space and `------------------------ >8 ------------------------`, alone.
pub fn is_scissors(s: &str, comment: &str) -> bool {
    s.strip_prefix(comment)
        .is_some_and(|r| r == " ------------------------ >8 ------------------------")
}

/// Parse `Token: value` (token: letters, digits, `-`; blanks allowed before the colon).
pub fn parse_trailer_line(s: &str, no: usize) -> Option<Trailer> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let key_end = i;
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    Some(Trailer {
        key: s[..key_end].to_owned(),
        value: s[i + 1..].trim().to_owned(),
        line: no,
        spaced_separator: i > key_end,
        raw: s.to_owned(),
        in_block: true,
    })
}

fn is_trailer_block(lines: &[Line]) -> bool {
    let mut trailers = 0usize;
    let mut others = 0usize;
    let mut recognised = false;
    let mut prev_trailer = false;
    for l in lines {
        let t = &l.text;
        if t.starts_with("(cherry picked from commit ") {
            recognised = true;
            trailers += 1;
            prev_trailer = false;
        } else if prev_trailer && t.starts_with([' ', '\t']) {
            // continuation line
        } else if let Some(tr) = parse_trailer_line(t, l.no) {
            if tr.key.eq_ignore_ascii_case("Signed-off-by") {
                recognised = true;
            }
            trailers += 1;
            prev_trailer = true;
        } else {
            others += 1;
            prev_trailer = false;
        }
    }
    trailers > 0 && (others == 0 || (recognised && trailers * 3 >= others))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Message {
        Message::parse_str(s, &ParseOptions::default())
    }

    #[test]
    fn subject_body_trailers() {
        let m = parse(
            "bpf: Fix a leak\n\nThe map was not freed.\nMore text.\n\nFixes: 0123456789ab (\"bpf: Add map\")\nSigned-off-by: A U Thor <a@example.org>\n",
        );
        assert_eq!(m.subject, "bpf: Fix a leak");
        assert_eq!(m.subject_line, 1);
        assert_eq!(m.body.len(), 2);
        assert_eq!(m.body[0].no, 3);
        assert_eq!(m.trailers.len(), 2);
        assert!(m.trailers[0].is("fixes"));
        assert_eq!(m.trailers[1].value, "A U Thor <a@example.org>");
        assert_eq!(m.trailers[1].line, 7);
    }

    #[test]
    fn multi_line_subject_is_folded() {
        let m = parse("libbpf: a long\n  subject line\n\nbody\n");
        assert_eq!(m.subject, "libbpf: a long subject line");
        assert_eq!(m.body[0].text, "body");
    }

    #[test]
    fn continuation_lines_join() {
        let m = parse(
            "s: x\n\nbody\n\nLink: https://example.org/\n a-long-tail\nSigned-off-by: X <x@y>\n",
        );
        assert_eq!(m.trailers[0].value, "https://example.org/ a-long-tail");
        assert_eq!(m.trailers.len(), 2);
    }

    #[test]
    fn last_paragraph_of_prose_is_not_a_trailer_block() {
        let m = parse("s: x\n\nbody\n\nThis is prose: not a trailer\nreally.\n");
        assert!(m.trailers.is_empty());
        assert_eq!(m.body.len(), 4);
    }

    #[test]
    fn quarter_rule_with_signoff() {
        let m = parse(
            "s: x\n\nbody\n\nSigned-off-by: A <a@b>\n[ast: reworded the message]\nSigned-off-by: B <b@c>\n",
        );
        assert_eq!(m.trailers.len(), 2);
        assert_eq!(m.body.len(), 1);
    }

    #[test]
    fn body_tags_with_known_keys_count() {
        let m = parse("s: x\n\nbody\nFixes: 0123456789ab (\"x: y\")\n\nSigned-off-by: A <a@b>\n");
        let fixes: Vec<_> = m.trailers_named("Fixes").collect();
        assert_eq!(fixes.len(), 1);
        assert!(!fixes[0].in_block);
        assert_eq!(m.prose_lines().count(), 1);
    }

    #[test]
    fn prose_starting_with_fixes_is_not_a_tag() {
        let m = parse("s: x\n\nFixes errors like:\n  foo\n\nSigned-off-by: A <a@b>\n");
        assert_eq!(m.trailers_named("Fixes").count(), 0);
    }

    #[test]
    fn comments_and_scissors_are_dropped() {
        let m = parse(
            "bpf: x\n# Please enter the commit message\n\nbody\n\nSigned-off-by: A <a@b>\n# ------------------------ >8 ------------------------\nSigned-off-by: junk\ndiff --git a/x b/x\n",
        );
        assert_eq!(m.subject, "bpf: x");
        assert_eq!(m.trailers.len(), 1);
    }

    #[test]
    fn custom_and_auto_comment_char() {
        let opts = ParseOptions {
            comment: CommentChar::Custom(";".into()),
            first_line: 1,
        };
        let m = Message::parse_str("s: x\n; comment\n\n#include is body\n", &opts);
        assert_eq!(m.body[0].text, "#include is body");
        let opts = ParseOptions {
            comment: CommentChar::Auto,
            first_line: 1,
        };
        let m = Message::parse_str(
            "s: x\n\n#include <x.h> is body\n\n@ Please enter the commit message for your changes. Lines starting\n@ with '@' will be ignored.\n",
            &opts,
        );
        assert_eq!(m.body.len(), 1);
        assert!(m.trailers.is_empty());
    }

    #[test]
    fn crlf_and_no_final_newline() {
        let m = parse("bpf: x\r\n\r\nbody\r\n\r\nSigned-off-by: A <a@b>");
        assert_eq!(m.subject, "bpf: x");
        assert_eq!(m.trailers[0].value, "A <a@b>");
    }

    #[test]
    fn invalid_utf8_is_lossy() {
        let m = Message::parse(b"bpf: x\n\nna\xefve\n", &ParseOptions::default());
        assert!(m.lossy);
        assert_eq!(m.body.len(), 1);
    }

    #[test]
    fn divider_splits_notes() {
        let m = parse(
            "bpf: x\n\nbody\n\nSigned-off-by: A <a@b>\n---\nv2: changed\nCc: stable@vger.kernel.org\n",
        );
        assert_eq!(m.trailers.len(), 1);
        assert_eq!(m.notes.len(), 3);
        assert!(!is_divider("----"));
        assert!(is_divider("--- "));
        assert!(is_divider("--- a/kernel/bpf/verifier.c"));
    }

    #[test]
    fn spaced_separator_is_recorded() {
        let t = parse_trailer_line("Fixes : 0123456789ab (\"x\")", 3);
        assert!(t.is_some_and(|t| t.spaced_separator && t.key == "Fixes"));
        assert!(parse_trailer_line("Fixes errors like:", 1).is_none());
        assert!(parse_trailer_line(": x", 1).is_none());
    }

    #[test]
    fn subject_only_and_empty() {
        let m = parse("bpf: only a subject\n");
        assert!(m.body.is_empty() && m.trailers.is_empty());
        let m = parse("");
        assert_eq!(m.subject_line, 0);
        let m = parse("\n\n# only comments\n");
        assert!(m.subject.is_empty());
    }

    #[test]
    fn a_body_of_many_tags_is_not_prose() {
        // 100,000 tags in the body once made prose_lines scan every tag for every line.
        let tags: String = (0..100_000)
            .map(|i| format!("Acked-by: R{i} <r{i}@example.org>\n"))
            .collect();
        let m = parse(&format!("bpf: x\n\nWhy.\n{tags}\nSigned-off-by: A <a@b>\n"));
        assert_eq!(m.trailers.len(), 100_001);
        let prose: Vec<_> = m.prose_lines().map(|l| l.text.as_str()).collect();
        assert_eq!(prose, vec!["Why."]);
    }
}
