//! Commit messages: cleanup the way git does it, then subject, body and trailer block.
//!
//! The trailer block follows git's own rules (trailer.c): it is the last paragraph, made of
//! `Token: value` lines (token characters are letters, digits and `-`, optionally followed by
//! blanks before the colon) and their indented continuation lines. A paragraph with some other
//! lines still counts when at least a quarter are trailers and one is a `Signed-off-by:` or a
//! `(cherry picked from commit ...)` line, as git decides.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use crate::fixes_tag::FixesTag;

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

/// A parsed commit message. Its text is held once, in [`Message::lines`]; the body is a range
/// of them, and trailers and `Fixes:` tags are read once here for every rule to share.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// The subject: the first paragraph, folded to one line as `git log --format=%s` does.
    pub subject: String,
    /// Line number of the subject's first line (0 when there is no subject).
    pub subject_line: usize,
    /// Every line from the subject's first to the last before the notes, after cleanup, blank
    /// edges trimmed: the message's one copy of its text, for whole-message scans.
    pub lines: Vec<Line>,
    /// Where the body is in `lines`: between the subject and the trailer block, blank edges
    /// trimmed.
    body: Range<usize>,
    /// The trailer block's trailers, plus `Key: value` lines with a well-known key found
    /// in the body (with `in_block == false`): a `Fixes:` separated from the sign-offs by a
    /// blank line is still a Fixes tag to a reviewer.
    pub trailers: Vec<Trailer>,
    /// Body lines shaped like a trailer whose key is not a well-known one (`Signed-of-by:`,
    /// but also prose such as `Note: ...`): trailer-typo judges them.
    pub other_tags: Vec<Trailer>,
    /// The `Fixes:` trailers, and lines that mean to be one but lack the colon, each read once,
    /// in line order.
    pub fixes: Vec<FixesTag>,
    /// The `---` divider and the lines after it, when the message carries notes for
    /// format-patch (or is b4's cover commit, whose tracking data follows such a line). For a
    /// patch email, the text between its `---` and the diff (changelog, notes to maintainers).
    pub notes: Vec<Line>,
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

    /// Parse from lines that already carry their line numbers: drop comment lines, stop at
    /// the scissors, and split at the first patch divider (what follows is for reviewers, not
    /// the log).
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
        let notes = match lines.iter().position(|l| is_divider(&l.text)) {
            Some(d) => lines.split_off(d),
            None => Vec::new(),
        };
        Self::from_parts(lines, notes)
    }

    /// Build from a message already cleaned up and split from its notes by the caller (a patch
    /// email's body is split at its `---` once, where the diff is found).
    pub fn from_parts(mut lines: Vec<Line>, mut notes: Vec<Line>) -> Message {
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
        lines.drain(..start);

        let mut msg = Message {
            notes,
            ..Message::default()
        };
        let subject_end = lines
            .iter()
            .position(|l| is_blank(&l.text))
            .unwrap_or(lines.len());
        if subject_end > 0 {
            msg.subject_line = lines[0].no;
            msg.subject = lines[..subject_end]
                .iter()
                .map(|l| l.text.trim())
                .collect::<Vec<_>>()
                .join(" ");
        }
        // The last paragraph of what follows the subject is the trailer block candidate; its
        // lines are parsed once, and kept when the paragraph is a trailer block.
        let last_para_start = lines[subject_end..]
            .iter()
            .rposition(|l| is_blank(&l.text))
            .map_or(lines.len(), |p| subject_end + p + 1);
        let block = if last_para_start < lines.len() {
            trailer_block(&lines[last_para_start..])
        } else {
            None
        };
        let body_end_max = if block.is_some() {
            last_para_start
        } else {
            lines.len()
        };
        let body = &lines[subject_end..body_end_max];
        let body_start = body
            .iter()
            .position(|l| !is_blank(&l.text))
            .map_or(body_end_max, |p| subject_end + p);
        let body_end = body
            .iter()
            .rposition(|l| !is_blank(&l.text))
            .map_or(body_start, |p| subject_end + p + 1);
        msg.body = body_start..body_end.max(body_start);

        for line in &lines[msg.body.clone()] {
            let Some(t) = parse_trailer_line(&line.text, line.no) else {
                continue;
            };
            if t.value.is_empty() {
                continue;
            }
            if KNOWN_KEYS.iter().any(|k| t.is(k)) {
                msg.trailers.push(Trailer {
                    in_block: false,
                    ..t
                });
            } else {
                msg.other_tags.push(Trailer {
                    in_block: false,
                    ..t
                });
            }
        }
        msg.trailers.extend(block.unwrap_or_default());
        // Colonless Fixes lines anywhere after the subject, and the Fixes: trailers, merged in
        // line order (trailers are already in it: body tags come before the block).
        let colonless = lines.iter().skip(1).filter_map(FixesTag::colonless);
        let tagged = msg
            .trailers
            .iter()
            .filter(|t| t.is("Fixes"))
            .map(FixesTag::from_trailer);
        msg.fixes = colonless.chain(tagged).collect();
        msg.fixes.sort_by_key(|f| f.line.no);
        msg.lines = lines;
        msg
    }

    /// Body lines between the subject and the trailer block, blank edges trimmed.
    pub fn body(&self) -> &[Line] {
        self.lines.get(self.body.clone()).unwrap_or_default()
    }

    /// The `Fixes:` tags that tools see (with their colon).
    pub fn fixes_tags(&self) -> impl Iterator<Item = &FixesTag> {
        self.fixes.iter().filter(|f| f.colon)
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
        self.body()
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

/// The trailers of this paragraph when it is a trailer block, as git decides: all lines
/// trailers (or their indented continuations), or at least a quarter of them with one
/// `Signed-off-by:` or `(cherry picked from commit ...)` among them. Each line is parsed once.
fn trailer_block(lines: &[Line]) -> Option<Vec<Trailer>> {
    let mut trailers: Vec<Trailer> = Vec::new();
    let mut counted = 0usize;
    let mut others = 0usize;
    let mut recognised = false;
    // The trailer an indented line continues; a line that is neither ends it (a maintainer's
    // note such as `[ast: reworded]` is not a trailer).
    let mut open: Option<usize> = None;
    for l in lines {
        let t = &l.text;
        if t.starts_with("(cherry picked from commit ") {
            recognised = true;
            counted += 1;
            open = None;
        } else if open.is_some() && t.starts_with([' ', '\t']) {
            if let Some(tr) = open.and_then(|i| trailers.get_mut(i)) {
                if !tr.value.is_empty() {
                    tr.value.push(' ');
                }
                tr.value.push_str(t.trim());
            }
        } else if let Some(tr) = parse_trailer_line(t, l.no) {
            recognised |= tr.is("Signed-off-by");
            counted += 1;
            trailers.push(tr);
            open = Some(trailers.len() - 1);
        } else {
            others += 1;
            open = None;
        }
    }
    (counted > 0 && (others == 0 || (recognised && counted * 3 >= others))).then_some(trailers)
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
        assert_eq!(m.body().len(), 2);
        assert_eq!(m.body()[0].no, 3);
        assert_eq!(m.trailers.len(), 2);
        assert!(m.trailers[0].is("fixes"));
        assert_eq!(m.trailers[1].value, "A U Thor <a@example.org>");
        assert_eq!(m.trailers[1].line, 7);
    }

    #[test]
    fn multi_line_subject_is_folded() {
        let m = parse("libbpf: a long\n  subject line\n\nbody\n");
        assert_eq!(m.subject, "libbpf: a long subject line");
        assert_eq!(m.body()[0].text, "body");
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
        assert_eq!(m.body().len(), 4);
    }

    #[test]
    fn quarter_rule_with_signoff() {
        let m = parse(
            "s: x\n\nbody\n\nSigned-off-by: A <a@b>\n[ast: reworded the message]\nSigned-off-by: B <b@c>\n",
        );
        assert_eq!(m.trailers.len(), 2);
        assert_eq!(m.body().len(), 1);
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
        assert_eq!(m.body()[0].text, "#include is body");
        let opts = ParseOptions {
            comment: CommentChar::Auto,
            first_line: 1,
        };
        let m = Message::parse_str(
            "s: x\n\n#include <x.h> is body\n\n@ Please enter the commit message for your changes. Lines starting\n@ with '@' will be ignored.\n",
            &opts,
        );
        assert_eq!(m.body().len(), 1);
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
        assert_eq!(m.body().len(), 1);
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
        assert!(m.body().is_empty() && m.trailers.is_empty());
        let m = parse("");
        assert_eq!(m.subject_line, 0);
        let m = parse("\n\n# only comments\n");
        assert!(m.subject.is_empty());
    }

    #[test]
    fn fixes_tags_are_read_once_in_line_order() {
        let m = parse(
            "bpf: x\n\nFixes commit 0123456789ab (\"bpf: a\")\nprose\nFixes: 0123456789AB\n\nFixes: 89abcdef0123 (\"bpf: b\")\nSigned-off-by: A <a@b>\n",
        );
        let got: Vec<_> = m
            .fixes
            .iter()
            .map(|f| (f.line.no, f.colon, f.target(), f.problems.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, false, None, 1),
                (5, true, Some("0123456789ab".to_owned()), 2),
                (7, true, Some("89abcdef0123".to_owned()), 0),
            ]
        );
        assert_eq!(m.fixes_tags().count(), 2);
    }

    #[test]
    fn body_lines_shaped_like_tags_are_kept_once() {
        let m = parse(
            "s: x\n\nSigned-of-by: A <a@b>\nNote: prose\nAcked-by: B <b@c>\nWhy.\n\nSigned-off-by: A <a@b>\n",
        );
        let other: Vec<_> = m.other_tags.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(other, vec!["Signed-of-by", "Note"]);
        let known: Vec<_> = m
            .trailers
            .iter()
            .map(|t| (t.key.as_str(), t.in_block))
            .collect();
        assert_eq!(known, vec![("Acked-by", false), ("Signed-off-by", true)]);
        // The body is a view of the one copy of the lines.
        assert_eq!(m.body().len(), 4);
        assert!(std::ptr::eq(&m.body()[0], &m.lines[2]));
    }

    #[test]
    fn parts_are_not_split_again() {
        // The caller split at the divider; a `---` inside what it calls the message stays.
        let lines = split_lines("bpf: x\n\nbody\n", 1);
        let notes = split_lines("---\nv2: y\n\n", 4);
        let m = Message::from_parts(lines, notes);
        assert_eq!(m.notes.len(), 2);
        assert_eq!(m.body().len(), 1);
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
