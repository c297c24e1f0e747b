#![no_main]
//! Subject prefixes (`[PATCH bpf-next v2 1/3]`) and the prefix text of format.subjectPrefix.

use bpf_policy::prefix::{parse_subject, tree_from_prefix_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let subject = String::from_utf8_lossy(data);
    let (prefix, summary) = parse_subject(&subject);
    assert!(subject.contains(summary));
    if let Some(p) = prefix {
        // What the series rules rely on: a kept counter is n <= m with m > 0, a kept
        // revision is at least 1.
        assert!(p.counter.is_none_or(|(n, m)| n <= m && m > 0));
        assert!(p.version.is_none_or(|v| v >= 1));
        assert!(!p.groups.is_empty());
    }
    let _ = tree_from_prefix_text(&subject);
});
