//! Every accepted upstream message in tests/data/corpus passes, except the known violations
//! its README lists; the deviating Fixes: lines are warnings.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bpf_policy::message::ParseOptions;
use bpf_policy::{Config, Context, Item, Severity, check};

/// The corpus vendored in the repository; a missing directory is an error naming it, never a
/// silently smaller test.
fn corpus_files() -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/corpus");
    let mut files = Vec::new();
    for dir in ["libbpf-accepted", "bpftool-accepted"] {
        let dir = root.join(dir);
        let rd = std::fs::read_dir(&dir)
            .map_err(|e| format!("test data {} is missing: {e}", dir.display()))?;
        for e in rd {
            let p = e?.path();
            if p.extension().is_some_and(|e| e == "msg") {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[test]
fn accepted_messages_are_not_rejected() -> Result<(), Box<dyn std::error::Error>> {
    let files = corpus_files()?;
    assert_eq!(files.len(), 2000, "tests/data/corpus is incomplete");
    let cfg = Config::default();
    let mut errors = BTreeSet::new();
    let mut fixes_warnings = BTreeSet::new();
    for f in &files {
        let bytes = std::fs::read(f)?;
        let name = f
            .strip_prefix(f.parent().and_then(Path::parent).unwrap_or(Path::new("")))
            .unwrap_or(f)
            .to_string_lossy()
            .into_owned();
        let item = Item::from_message(name.clone(), &bytes, &ParseOptions::default());
        for d in check(std::slice::from_ref(&item), &Context::default(), &cfg) {
            match d.severity {
                Severity::Error => {
                    errors.insert((name.clone(), d.rule));
                }
                Severity::Warning if d.rule == "fixes-format" => {
                    fixes_warnings.insert(name.clone());
                }
                _ => {}
            }
        }
    }
    let expected: BTreeSet<(String, &str)> = [
        ("libbpf-accepted/1475-0102f65d72d5.msg", "no-stable-cc"),
        ("libbpf-accepted/1438-1bc08143b5c6.msg", "message-empty"),
        ("libbpf-accepted/0342-4ec5e360ae01.msg", "trailer-typo"),
    ]
    .into_iter()
    .map(|(f, r)| (f.to_owned(), r))
    .collect();
    assert_eq!(errors, expected);
    let deviating: BTreeSet<String> = [
        "libbpf-accepted/0044-5b0f3729a274.msg",
        "libbpf-accepted/1040-a4e725f8f522.msg",
        "libbpf-accepted/1157-7022527a7ba5.msg",
        "libbpf-accepted/1166-8c2d905ff4e7.msg",
        "libbpf-accepted/1169-2cfeea135cd7.msg",
        "libbpf-accepted/1297-a58b8ca93e39.msg",
        "libbpf-accepted/1298-1691c37b39e5.msg",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(fixes_warnings, deviating);
    Ok(())
}

/// Nothing the build, the tests, the benchmarks or the fuzz seeds run reaches for data beside
/// the repository (a fresh clone has none there): every such path goes to tests/data.
#[test]
fn nothing_reads_data_beside_the_repository() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // Spelt in two pieces so this file does not match itself.
    let outside = format!("{}/{}", "..", "shared");
    let mut offenders = Vec::new();
    let mut stack: Vec<PathBuf> = ["crates", "tests", "bench", "fuzz", ".ci", "install.sh"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    stack.push(root.join("Cargo.toml"));
    while let Some(p) = stack.pop() {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            // Build output, fuzz corpora and the vendored data itself (its README cites where
            // it came from) are not code.
            if matches!(name, "target" | "corpus" | "artifacts" | "data") {
                continue;
            }
            for e in std::fs::read_dir(&p)? {
                stack.push(e?.path());
            }
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            for (i, line) in text.lines().enumerate() {
                if line.contains(&outside) {
                    offenders.push(format!("{}:{}: {line}", p.display(), i + 1));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
    Ok(())
}
