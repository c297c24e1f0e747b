//! Undoing git's C-style quoting of path names.

pub(super) fn take_quoted(s: &str) -> (String, &str) {
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
