#![no_main]
//! One patch email, as `bpf-policy check` and the sendemail-validate hook read it.

use bpf_policy::email::Email;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // An error is a fine answer to junk; a panic, a hang or runaway memory is the finding.
    let Ok(email) = Email::parse(data, 1) else {
        return;
    };
    // Diagnostics point at lines: they must be real, in file order.
    assert!(email.subject_line >= 1);
    let numbers: Vec<usize> = email
        .message
        .iter()
        .chain(&email.notes)
        .map(|l| l.no)
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
});
