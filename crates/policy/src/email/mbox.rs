//! Mboxes: separator lines, splitting an mbox into emails, telling an email from a message.

use super::headers::find_header_end;

pub(super) fn split_first_line(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let nl = b.iter().position(|&c| c == b'\n')?;
    Some((&b[..nl], &b[nl + 1..]))
}

/// `From <40 or 64 hex> Mon Sep 17 00:00:00 2001` (format-patch) or any mbox separator line.
/// Returns the commit id when the line carries one.
pub(super) fn mbox_from_line(line: &[u8]) -> Option<Option<String>> {
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
