//! Every accepted upstream message in ../shared/corpus passes, except the known violations
//! its README lists; the deviating Fixes: lines are warnings.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bpf_policy::message::ParseOptions;
use bpf_policy::{Config, Context, Item, Severity, check};

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut files = Vec::new();
    for dir in ["libbpf-accepted", "bpftool-accepted"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        files.extend(
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "msg")),
        );
    }
    files.sort();
    files
}

#[test]
fn accepted_messages_are_not_rejected() -> Result<(), Box<dyn std::error::Error>> {
    let files = corpus_files();
    assert_eq!(
        files.len(),
        2000,
        "the corpus is expected beside the repository in ../shared"
    );
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
