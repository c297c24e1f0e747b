//! The house rules a newcomer relies on: every source file says its one job in its first
//! comment, and README maps every rule id (what POLICY.md is written in) to the file that
//! defines and checks it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            // Build output and vendored data hold no sources of ours.
            if name != "target" && name != "data" && name != "corpus" {
                rust_files(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

#[test]
fn every_source_file_states_its_job_first() -> TestResult {
    let mut files = Vec::new();
    for dir in ["crates", "tests", "fuzz", "bench"] {
        let d = root().join(dir);
        if d.is_dir() {
            rust_files(&d, &mut files)?;
        }
    }
    assert!(files.len() > 50, "found only {} files", files.len());
    let mut bare = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f)?;
        // Inner attributes (`#![no_main]`) may come first; then the module's `//!` comment.
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with("#!["))
            .unwrap_or("");
        if !first.starts_with("//!") {
            bare.push(f.strip_prefix(root()).unwrap_or(f).display().to_string());
        }
    }
    assert!(
        bare.is_empty(),
        "these files do not open with a `//!` comment saying what they are for: {bare:?}"
    );
    Ok(())
}

/// README's block: each file that holds rules, and the ids of the rules it holds, in table
/// order.
fn rule_map() -> String {
    let mut files: Vec<(&str, Vec<&str>)> = Vec::new();
    for rule in bpf_policy::RULES {
        let source = rule.info.source;
        match files.iter_mut().find(|(f, _)| *f == source) {
            Some((_, ids)) => ids.push(rule.info.id.as_str()),
            None => files.push((source, vec![rule.info.id.as_str()])),
        }
    }
    let mut out = String::new();
    for (file, ids) in files {
        let _ = writeln!(out, "{file}");
        let mut line = String::from("   ");
        for id in ids {
            if line.len() + id.len() > 92 {
                let _ = writeln!(out, "{line}");
                line = String::from("   ");
            }
            line.push(' ');
            line.push_str(id);
        }
        let _ = writeln!(out, "{line}");
    }
    out
}

#[test]
fn readme_maps_each_rule_to_its_file() -> TestResult {
    let want = rule_map();
    for rule in bpf_policy::RULES {
        let file = root().join(rule.info.source);
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        // The file really holds the rule's definition, not just a mention of it.
        let id = format!("{:?}", rule.info.id);
        assert!(
            text.contains(&format!("rule!(RuleId::{id},")),
            "{} does not define {id}",
            rule.info.source
        );
    }
    let readme = std::fs::read_to_string(root().join("README.md"))?;
    let head = "<!-- rule-sources:start -->\n```text\n";
    let start = readme.find(head).ok_or("no rule-sources block in README")?;
    let block = &readme[start + head.len()..];
    let end = block
        .find("```\n<!-- rule-sources:end -->")
        .ok_or("unterminated rule-sources block")?;
    if block[..end] != want {
        if std::env::var_os("README_OVERWRITE").is_some() {
            let fixed = format!("{}{head}{want}{}", &readme[..start], &block[end..]);
            std::fs::write(root().join("README.md"), fixed)?;
            return Ok(());
        }
        return Err(format!(
            "README's map of rules to files is stale; rerun with README_OVERWRITE=1. It should be:\n{want}"
        )
        .into());
    }
    Ok(())
}
