//! In-process figures: parsing and checking, without process start or file reads.
//! `cargo bench -p bpf-policy` (divan prints medians per call).

use std::path::Path;
use std::sync::LazyLock;

use bpf_policy::email::Email;
use bpf_policy::message::{Message, ParseOptions};
use bpf_policy::prefix::parse_subject;
use bpf_policy::{Config, Context, Item, check};

fn main() {
    divan::main();
}

/// The accepted-message corpus vendored in tests/data. A bench over a missing corpus would
/// print figures for something else, so it stops instead.
static CORPUS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/corpus");
    let mut out = Vec::new();
    for dir in ["libbpf-accepted", "bpftool-accepted"] {
        let dir = root.join(dir);
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                eprintln!("bench data {} is missing: {e}", dir.display());
                std::process::exit(2);
            }
        };
        for e in rd.flatten() {
            if e.path().extension().is_some_and(|x| x == "msg") {
                out.extend(std::fs::read(e.path()).ok());
            }
        }
    }
    out
});

static PATCH: LazyLock<String> = LazyLock::new(|| {
    let mut p = String::from(
        "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nFrom: A U Thor <author@example.org>\nDate: Tue, 1 Oct 2024 10:00:00 +0000\nSubject: [PATCH bpf-next v2 3/7] bpf: Fix a refcount leak in map update\nTo: bpf@vger.kernel.org\n\nThe error path dropped a reference the caller still held.\n\nFixes: 0123456789ab (\"bpf: Add map refcounting\")\nSigned-off-by: A U Thor <author@example.org>\n---\nv1 -> v2: keep the reference\n\n kernel/bpf/syscall.c | 200 +++++\n 1 file changed\n\ndiff --git a/kernel/bpf/syscall.c b/kernel/bpf/syscall.c\nindex 1111111..2222222 100644\n--- a/kernel/bpf/syscall.c\n+++ b/kernel/bpf/syscall.c\n@@ -1,0 +1,200 @@\n",
    );
    for i in 0..200 {
        p.push_str(&format!("+\tint v{i} = bpf_map_lookup_elem(map, &key);\n"));
    }
    p.push_str("-- \n2.47.3\n");
    p
});

#[divan::bench]
fn parse_corpus_message(bencher: divan::Bencher) {
    let opts = ParseOptions::default();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) % CORPUS.len();
        Message::parse(&CORPUS[i], &opts)
    });
}

#[divan::bench]
fn check_corpus_message(bencher: divan::Bencher) {
    let opts = ParseOptions::default();
    let cfg = Config::default();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) % CORPUS.len();
        let item = Item::from_message("m", &CORPUS[i], &opts);
        check(std::slice::from_ref(&item), &Context::default(), &cfg)
    });
}

#[divan::bench]
fn parse_patch_email() -> Option<Email> {
    Email::parse(divan::black_box(PATCH.as_bytes()), 1).ok()
}

#[divan::bench]
fn check_patch_email(bencher: divan::Bencher) {
    let cfg = Config::default();
    bencher.bench_local(|| {
        let item = Email::parse(PATCH.as_bytes(), 1).map(|e| Item::from_email("p", e));
        item.map(|i| check(std::slice::from_ref(&i), &Context::default(), &cfg))
    });
}

#[divan::bench(args = ["[PATCH bpf-next v2 03/12] libbpf: Add a getter", "[RFC][PATCH iproute2 net-next v3 1/2] ip: x", "bpf: no prefix"])]
fn subject_prefix(subject: &str) -> usize {
    parse_subject(divan::black_box(subject)).1.len()
}
