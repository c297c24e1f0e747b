//! The header block: where it ends, which line each header starts on.

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

/// Offset just past the blank line that ends the header block.
pub(super) fn find_header_end(b: &[u8]) -> Option<usize> {
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

pub(super) fn count_lines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

pub(super) fn header_start_lines(head: &[u8], first: usize) -> Vec<usize> {
    head.split(|&c| c == b'\n')
        .enumerate()
        .filter(|(_, l)| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            !l.is_empty() && l[0] != b' ' && l[0] != b'\t'
        })
        .map(|(i, _)| first + i)
        .collect()
}
