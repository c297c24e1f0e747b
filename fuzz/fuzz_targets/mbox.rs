#![no_main]
//! An mbox: split into emails, then each one parsed, as `bpf-policy check series.mbox` does.

use bpf_policy::email::{Email, split_mbox};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = split_mbox(data);
    // Splitting must lose nothing and invent nothing: the parts are the file, in order.
    let joined: Vec<u8> = parts.iter().flat_map(|(_, p)| p.iter().copied()).collect();
    assert_eq!(joined, data);
    assert!(parts.windows(2).all(|w| w[0].0 < w[1].0));
    for (line, part) in parts {
        let _ = Email::parse(part, line);
    }
});
