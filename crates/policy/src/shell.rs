//! Quoting for text printed to be pasted into a shell (advice such as
//! `git commit -e -F <path>`): one helper, so no advice line can run `$(...)` from a crafted
//! directory name or break on a `'` in a path.

use std::borrow::Cow;

/// `word` as one POSIX shell word: unchanged when it holds only characters no shell treats
/// specially, otherwise in single quotes, each `'` written as `'\''`. The empty string is `''`.
pub fn quote(word: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    // A leading `-` would read as an option; `=` first or `~` first mean something to shells.
    if !word.is_empty() && word.chars().all(plain) && !word.starts_with(['-', '=']) {
        return Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len() + 2);
    out.push('\'');
    for c in word.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

/// [`quote`] for a path (lossily converted where it is not UTF-8).
pub fn quote_path(path: &std::path::Path) -> String {
    quote(&path.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("/a/b.txt"), "/a/b.txt");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("/x/$(touch y)/m"), "'/x/$(touch y)/m'");
        assert_eq!(quote("-n"), "'-n'");
        assert_eq!(quote("a\nb"), "'a\nb'");
        assert_eq!(quote("~x"), "'~x'");
    }
}
