#![no_main]
//! Commit messages as the commit-msg hook reads them, under every comment setting git has.

use bpf_policy::message::{CommentChar, Message, ParseOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // core.commentChar may be any character, multi-byte ones included; taking the input's own
    // first character makes the fuzzer exercise the comment path with whatever it found.
    let own = String::from_utf8_lossy(data)
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    for comment in [
        CommentChar::None,
        CommentChar::Hash,
        CommentChar::Auto,
        CommentChar::Custom(";".into()),
        CommentChar::Custom("//".into()),
        CommentChar::Custom(String::new()),
        CommentChar::Custom(own.clone()),
    ] {
        let m = Message::parse(
            data,
            &ParseOptions {
                comment,
                first_line: 1,
            },
        );
        // The subject is folded to one line, as `git log --format=%s` shows it.
        assert!(!m.subject.contains('\n'));
        assert!(m.subject.is_empty() == (m.subject_line == 0));
        let _ = m.prose_lines().count();
    }
});
