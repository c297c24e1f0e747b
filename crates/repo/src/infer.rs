//! Reading a target tree out of remote URLs, names and b4's tracking data.

use bpf_policy::item::B4_TRACKING_MARKER;
use bpf_policy::prefix::tree_from_prefix_text;
use bpf_policy::tree::Tree;

/// The tree a remote URL points at: its last path component, without `.git` and trailing
/// slashes, is a tree's repository name (`.../bpf/bpf-next.git`, `git@host:net-next`).
pub(crate) fn tree_from_url(url: &str) -> Option<Tree> {
    let u = url.trim().trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u).trim_end_matches('/');
    let last = u.rsplit(['/', ':', '\\']).next()?;
    tree_from_name(last)
}

/// A remote or branch named exactly after a tree (`bpf-next`, `net`).
pub(crate) fn tree_from_name(name: &str) -> Option<Tree> {
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    name.parse().ok()
}

/// The tree in b4's tracking JSON (`{"series": {"prefixes": ["bpf-next"], ...}}`).
///
/// serde_json rather than a hand-written scan: the workspace already builds it, and b4's
/// JSON carries free text (cover subjects, change-ids) where a naive search for `"prefixes"`
/// or for brackets could be fooled by escapes and nesting.
pub(crate) fn tree_from_b4_json(text: &str) -> Option<Tree> {
    // As b4 reads it: everything before the first `{` is its comment line.
    let start = text.find('{')?;
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter();
    let value: serde_json::Value = stream.next()?.ok()?;
    let prefixes = value.get("series")?.get("prefixes")?;
    let joined = match prefixes {
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        serde_json::Value::String(s) => s.clone(),
        _ => return None,
    };
    tree_from_prefix_text(&joined)
}

/// The tracking JSON of b4's cover commit: what follows its marker line.
pub(crate) fn b4_cover_json(message: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(message);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim() == B4_TRACKING_MARKER {
            return Some(text[offset..].to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let cases = [
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf-next.git",
                Some(Tree::BpfNext),
            ),
            (
                "git://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf.git/",
                Some(Tree::Bpf),
            ),
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/netdev/net-next",
                Some(Tree::NetNext),
            ),
            ("git@example.org:net.git", Some(Tree::Net)),
            ("ssh://host/net/", Some(Tree::Net)),
            (
                "https://git.kernel.org/pub/scm/network/iproute2/iproute2-next.git",
                Some(Tree::Iproute2Next),
            ),
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git",
                None,
            ),
            ("/home/me/bpf-next-work", None),
            ("", None),
        ];
        for (url, want) in cases {
            assert_eq!(tree_from_url(url), want, "{url}");
        }
    }

    #[test]
    fn b4_json() {
        let msg = b"cover subject\n\nblurb\n\n--- b4-submit-tracking ---\n# This section is used internally by b4 prep\n";
        assert_eq!(
            b4_cover_json(msg).as_deref(),
            Some("# This section is used internally by b4 prep\n")
        );
        let json = r#"# This section is used internally by b4 prep for tracking purposes.
{
  "series": {
    "revision": 2,
    "change-id": "20240101-x-\"prefixes\"",
    "prefixes": ["RFC", "bpf-next"],
    "base-branch": "master"
  }
}"#;
        assert_eq!(tree_from_b4_json(json), Some(Tree::BpfNext));
        assert_eq!(tree_from_b4_json(r#"{"series": {"prefixes": []}}"#), None);
        assert_eq!(tree_from_b4_json("not json"), None);
        assert_eq!(b4_cover_json(b"subject\n\nbody\n---\nnotes\n"), None);
    }
}
