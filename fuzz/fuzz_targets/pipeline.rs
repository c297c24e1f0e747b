#![no_main]
//! Everything `bpf-policy check FILE --no-repo` does after reading the file: classify and
//! parse it, run every rule, render the findings in each output format.

use bpf_policy::input::{As, read_input};
use bpf_policy::message::CommentChar;
use bpf_policy::render::{Format, render, reporter};
use bpf_policy::{Config, Context, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [As::Auto, As::Message, As::Email] {
        let Ok(read) = read_input("fuzz", data, mode, &CommentChar::Hash) else {
            continue;
        };
        // Every email is either checked or left alone as not a patch, never dropped unsaid.
        assert!(!read.items.is_empty() || !read.skipped.is_empty());
        let items = read.items;
        let diags = check(&items, &Context::default(), &Config::default());
        for format in [Format::Human, Format::Json, Format::Checkpatch] {
            let _ = render(reporter(format, true).as_ref(), &diags, 1);
        }
    }
});
