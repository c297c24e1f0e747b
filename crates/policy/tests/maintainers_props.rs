//! Properties of the MAINTAINERS parser and matcher over generated files and patches: no
//! panic whatever the text (odd globs, broken regexes, multi-byte characters, CRLF), the same
//! answer twice, and an entry whose `F:` names a directory always covers a file below it
//! unless an `X:` of its own says otherwise; reading a few entries by name finds what indexing
//! the whole file finds.

use bpf_policy::maintainers::Maintainers;
use proptest::prelude::*;
use proptest::sample::select;

const LINES: &[&str] = &[
    "BPF [GENERAL]\n",
    "THE REST\n",
    "\n",
    "# comment\n",
    "M:\tA U Thor <author@example.org>\n",
    "M:\t\"J. Ö\" <j@example.org> (comment)\n",
    "M:\tbroken address\n",
    "R:\t<r@example.org>\n",
    "L:\tbpf@vger.kernel.org\n",
    "L:\tx@example.org (moderated for non-subscribers)\n",
    "L:\ty@example.org (subscribers-only)\n",
    "S:\tMaintained\n",
    "F:\tkernel/bpf/\n",
    "F:\t*\n",
    "F:\t*/\n",
    "F:\tdrivers/net/*/x?.[ch]\n",
    "F:\tdrivers/[\n",
    "F:\ta\\*\n",
    "F:\tnet/é/\n",
    "F:\tnet/core\n",
    "F:\t(unbalanced\n",
    "X:\tkernel/bpf/skip.c\n",
    "X:\tdrivers/\n",
    "N:\t[^a-z]tegra\n",
    "N:\t(unbalanced\n",
    "N:\tbpf\n",
    "K:\t(?:\\b|_)bpf(?:\\b|_)\n",
    "K:\t\\b(?i:rust)\\b\n",
    "K:\t[unclosed\n",
    "K:\tjeé\n",
    "F:\r\n",
    "X\n",
    "K:",
];

const PATCH: &[&str] = &[
    "From: A <a@example.org>\n",
    "Subject: [PATCH] bpf: x\n",
    "Fixes: 0123456789ab (\"x\")\n",
    "---\n",
    " mode change 100644 => 100755 net/core/x.sh\n",
    "diff --git a/kernel/bpf/core.c b/kernel/bpf/core.c\n",
    "diff --git a/net/é/x.c b/net/é/x.c\n",
    "rename from drivers/net/a/x1.c\n",
    "rename to drivers/net/b/x2.h\n",
    "--- a/kernel/bpf/skip.c\n",
    "+++ b/net/core/filter.c\n",
    "--- /dev/null\n",
    "@@ -1,2 +1,2 @@\n",
    "+rust code\n",
    "-bpf_prog\n",
    " context bpf\n",
    "é\n",
    "\r\n",
];

fn text(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => select(pieces).prop_map(str::to_owned),
            1 => "[ -~é\\t\\n]{0,12}",
        ],
        0..max,
    )
    .prop_map(|v| v.concat())
}

/// Name lines for [`LINES`]: ours, others, and near misses (indented, CRLF, a prefix inside).
const NAMES: &[&str] = &[
    "BPF [GENERAL]\n",
    "NETWORKING DRIVERS\r\n",
    "  XDP (eXpress Data Path)\n",
    "\tBPFX\n",
    "xBPF\n",
    "EXT4 BPF\n",
    "THE REST\n",
    "NETWORKINGé\n",
    "BPF",
];

/// Paths the generated entries may cover.
const PATHS: &[&str] = &[
    "kernel/bpf/core.c",
    "kernel/bpf/skip.c",
    "drivers/net/a/x1.c",
    "net/core/filter.c",
    "net/é/x.c",
    "a*b",
    "tegra",
    "lib/bpf.c",
];

fn named_file() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => select(LINES).prop_map(str::to_owned),
            2 => select(NAMES).prop_map(str::to_owned),
            1 => "[ -~é\\t\\n]{0,12}",
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn entries_by_name_are_those_of_the_whole_file(file in named_file()) {
        const OURS: &[&str] = &["BPF", "NETWORKING", "XDP"];
        let ours = |name: &str| OURS.iter().any(|p| name.trim_start().starts_with(p));
        let whole = Maintainers::parse(&file);
        let named = whole.named(OURS);
        prop_assert_eq!(
            named.names().collect::<Vec<_>>(),
            whole.names().filter(|n| ours(n)).collect::<Vec<_>>()
        );
        for path in PATHS {
            let by_whole: Vec<&str> =
                whole.entries_for_path(path).into_iter().filter(|n| ours(n)).collect();
            prop_assert_eq!(named.entries_for_path(path), by_whole, "{}", path);
        }
        // Asked of a file not yet indexed, the same.
        let lazy = Maintainers::from_text(file.clone()).named(OURS);
        prop_assert_eq!(lazy.text(), named.text());
    }

    #[test]
    fn never_panics_and_answers_the_same(file in text(LINES, 40), patch in text(PATCH, 30)) {
        let m = Maintainers::parse(&file);
        let a = m.lookup(&[patch.as_str()]);
        let b = m.lookup(&[patch.as_str()]);
        prop_assert_eq!(a, b);
        let _ = m.entries_for_path(&patch);
    }

    #[test]
    fn a_directory_covers_what_is_below(dir in "[a-z]{1,6}(/[a-z]{1,6}){0,2}", leaf in "[a-z_]{1,8}\\.[ch]") {
        let file = format!("E\nM:\tM <m@example.org>\nL:\tl@example.org\nF:\t{dir}/\n");
        let m = Maintainers::parse(&file);
        let path = format!("{dir}/{leaf}");
        prop_assert_eq!(m.entries_for_path(&path), vec!["E"]);
        let with_x = format!("{file}X:\t{path}\n");
        prop_assert!(Maintainers::parse(&with_x).entries_for_path(&path).is_empty());
    }
}
