//! Turning bytes into items: decide whether they hold a commit message, a patch email or
//! an mbox, and say clearly when they hold none of these.

use crate::email::{Email, EmailError, MAX_ITEM_BYTES, looks_like_email, split_mbox};
use crate::item::Item;
use crate::message::{CommentChar, ParseOptions};

/// How to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum As {
    /// Decide per input.
    #[default]
    Auto,
    /// A commit message.
    Message,
    /// A patch email or an mbox of them.
    Email,
}

/// Why an input could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Nothing but white space.
    #[error("it is empty")]
    Empty,
    /// Only comment lines: git would abort the commit itself.
    #[error("it holds no commit message, only comment lines")]
    OnlyComments,
    /// NUL bytes.
    #[error("it holds binary data (NUL bytes), not a commit message or patch")]
    Binary,
    /// Too large.
    #[error(
        "it is {0} bytes; a single commit message or email may be at most {MAX_ITEM_BYTES} bytes"
    )]
    TooLarge(usize),
    /// A broken email.
    #[error("email at line {line}: {source}")]
    Email {
        /// Line where the email starts.
        line: usize,
        /// What is wrong with it.
        source: EmailError,
    },
}

/// What one input held: the items to check, and the emails left alone because they are not
/// patches (replies, discussion, `--compose` notes), each with its line and why.
#[derive(Debug, Clone, Default)]
pub struct Read {
    /// Commit messages, patch emails, cover letters and pull requests.
    pub items: Vec<Item>,
    /// Emails that are not patches: (line where the email starts, why it is not checked).
    pub skipped: Vec<(usize, String)>,
}

/// Why an email is not a patch, or None when it is one (or a cover letter, or a maintainer's
/// pull request). Such emails are not checked at all (POLICY.md, Scope).
pub fn not_a_patch(item: &Item) -> Option<&'static str> {
    if item.kind != crate::item::ItemKind::Email || item.pull_request {
        return None;
    }
    let reply = item
        .full_subject
        .trim_start()
        .get(..3)
        .is_some_and(|s| s.eq_ignore_ascii_case("re:"));
    if reply {
        return Some("a reply (Re:), not a patch");
    }
    if !item.has_diff && !item.is_cover {
        return Some("no diff, and not a cover letter (0/N): not a patch");
    }
    None
}

/// Read one input into items. `origin` names it in diagnostics. Emails that are not patches
/// are left out (see [`read_input`] to learn which).
pub fn read_items(
    origin: &str,
    bytes: &[u8],
    mode: As,
    comment: &CommentChar,
) -> Result<Vec<Item>, InputError> {
    read_input(origin, bytes, mode, comment).map(|r| r.items)
}

/// Read one input: the items to check and the emails that are not patches.
pub fn read_input(
    origin: &str,
    bytes: &[u8],
    mode: As,
    comment: &CommentChar,
) -> Result<Read, InputError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty);
    }
    if bytes.contains(&0) {
        return Err(InputError::Binary);
    }
    let as_email = match mode {
        As::Auto => looks_like_email(bytes),
        As::Message => false,
        As::Email => true,
    };
    if !as_email {
        if bytes.len() > MAX_ITEM_BYTES {
            return Err(InputError::TooLarge(bytes.len()));
        }
        let item = Item::from_message(
            origin,
            bytes,
            &ParseOptions {
                comment: comment.clone(),
                first_line: 1,
            },
        );
        if item.message.subject.is_empty() && item.message.trailers.is_empty() {
            return Err(InputError::OnlyComments);
        }
        return Ok(Read {
            items: vec![item],
            skipped: Vec::new(),
        });
    }
    let parts = split_mbox(bytes);
    let mut read = Read {
        items: Vec::with_capacity(parts.len()),
        skipped: Vec::new(),
    };
    for (line, part) in parts {
        let email = Email::parse(part, line).map_err(|source| match source {
            EmailError::Empty => InputError::Empty,
            EmailError::Binary => InputError::Binary,
            EmailError::TooLarge(n) => InputError::TooLarge(n),
            source => InputError::Email { line, source },
        })?;
        let item = Item::from_email(origin, email);
        match not_a_patch(&item) {
            Some(why) => read.skipped.push((line, why.to_owned())),
            None => read.items.push(item),
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        let c = CommentChar::Hash;
        assert_eq!(
            read_items("x", b"  \n", As::Auto, &c).err(),
            Some(InputError::Empty)
        );
        assert_eq!(
            read_items("x", b"a\0b", As::Auto, &c).err(),
            Some(InputError::Binary)
        );
        assert_eq!(
            read_items("x", b"# only\n# comments\n", As::Auto, &c).err(),
            Some(InputError::OnlyComments)
        );
        let m = read_items("x", b"bpf: x\n\nbody\n", As::Auto, &c);
        assert!(m.is_ok_and(|v| v.len() == 1 && v[0].kind == crate::item::ItemKind::Message));
        // Not a patch: left alone, not refused.
        let e = read_input(
            "x",
            b"From: a <a@b>\nSubject: [PATCH bpf] bpf: x\n\nbody\n",
            As::Auto,
            &c,
        );
        assert!(e.is_ok_and(|r| r.items.is_empty() && r.skipped.len() == 1));
        let e = read_input(
            "x",
            b"From: a <a@b>\nSubject: Re: [PATCH bpf] bpf: x\n\n> quoted\nreply\n",
            As::Auto,
            &c,
        );
        assert!(e.is_ok_and(|r| r.items.is_empty() && r.skipped[0].1.contains("reply")));
        // A pull request is kept for pull-request-subject.
        let e = read_input(
            "x",
            b"From: a <a@b>\nSubject: [GIT PULL] pull-request: bpf 2024-10-01\n\nHi David,\n",
            As::Auto,
            &c,
        );
        assert!(e.is_ok_and(|r| r.items.len() == 1 && r.items[0].pull_request));
        let e = read_items(
            "x",
            b"From: a <a@b>\nSubject: [PATCH bpf 0/2] bpf: x\n\nbody\n",
            As::Auto,
            &c,
        );
        assert!(e.is_ok_and(|v| v[0].is_cover));
    }
}
