//! In-process figures for MAINTAINERS: parsing the kernel's whole file, and parsing plus
//! matching a 10-file patch (what one `bpf-policy recipients` or sendemail-validate run does),
//! and reading only the BPF/NETWORKING/XDP entries for scope detection (what a commit-msg
//! run with no target tree does).
//! `cargo bench -p bpf-policy --bench maintainers`; bench/recipients.sh times whole processes
//! beside get_maintainer.pl.

use std::path::Path;
use std::sync::LazyLock;

use bpf_policy::maintainers::Maintainers;

fn main() {
    divan::main();
}

fn data(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/maintainers")
        .join(rel);
    match std::fs::read_to_string(&p) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "{}: {e} (the benchmark needs tests/data/maintainers)",
                p.display()
            );
            std::process::exit(2)
        }
    }
}

static FILE: LazyLock<String> = LazyLock::new(|| data("MAINTAINERS"));
static TEN: LazyLock<String> = LazyLock::new(|| data("patches/34-ten-files.patch"));
static ONE: LazyLock<String> = LazyLock::new(|| data("patches/01-net-core-filter.patch"));

#[divan::bench]
fn parse() -> usize {
    Maintainers::parse(divan::black_box(&FILE)).len()
}

#[divan::bench]
fn parse_and_match_10_files() -> usize {
    let m = Maintainers::parse(divan::black_box(&FILE));
    m.lookup(&[TEN.as_str()]).people.len()
}

#[divan::bench]
fn match_10_files_parsed() -> usize {
    static M: LazyLock<Maintainers> = LazyLock::new(|| Maintainers::parse(&FILE));
    M.lookup(&[divan::black_box(TEN.as_str())]).people.len()
}

#[divan::bench]
fn parse_and_match_1_file() -> usize {
    let m = Maintainers::parse(divan::black_box(&FILE));
    m.lookup(&[ONE.as_str()]).people.len()
}

#[divan::bench]
fn scope_entries_and_match_1_file() -> Option<usize> {
    let m = Maintainers::from_text(divan::black_box(FILE.clone()));
    let ours = m.named(bpf_policy::scope::OUR_ENTRIES);
    ours.first_covered(&["kernel/bpf/verifier.c"]).map(str::len)
}

#[divan::bench]
fn copy_file_text() -> usize {
    // What scope_entries_and_match_1_file pays before it reads anything: its copy of the text.
    Maintainers::from_text(divan::black_box(FILE.clone()))
        .text()
        .len()
}
