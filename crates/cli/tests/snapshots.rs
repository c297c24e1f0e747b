//! Output snapshots: for every rule in the table, one case under `tests/cmd/<rule>/` whose exact
//! human, JSON and checkpatch output and exit status, and `bpf-policy explain RULE`, are
//! committed, so a change of wording, help, line numbers or status shows up as a reviewed diff.
//!
//! A case is a directory named after the rule it shows:
//!
//! - `in/`: the files to check; the command runs in a copy of it;
//! - `args`: the arguments after `bpf-policy check --format FORMAT`, one per line;
//! - `setup.sh` (optional): run with `sh -e` in that copy first, under the same fixed git
//!   identity and dates as the command, for rules that need a repository; the set-up cases
//!   share is in `tests/cmd/common.sh`, which a setup.sh sources as `. "$CASES/common.sh"`;
//! - `expected`: the three runs and `explain` as they print, written by the test itself.
//!
//! After an intended change of output, regenerate every `expected` with
//! `SNAPSHOTS=overwrite cargo test -p bpf-policy-cli --test snapshots` and review the diff.
//! A new rule needs a new case (its input and args written by hand, then regenerated): the test
//! fails until every rule has one, and until each case's JSON output shows its rule.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use bpf_policy_e2e::{TestResult, hermetic, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_bpf-policy");

const FORMATS: [&str; 3] = ["human", "json", "checkpatch"];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

fn overwrite() -> bool {
    std::env::var_os("SNAPSHOTS").is_some_and(|v| v == "overwrite")
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

/// Run one case; returns the snapshot text and the rule ids its JSON run reported.
fn run_case(dir: &Path) -> Result<(String, Vec<String>), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let home = tmp.path().join("home");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&home)?;
    copy_dir(&dir.join("in"), &work)?;
    let setup = dir.join("setup.sh");
    if setup.exists() {
        let mut cmd = Command::new("sh");
        hermetic(&mut cmd, &home);
        let out = cmd
            .arg("-e")
            .arg(&setup)
            // Where the set-up the cases share (common.sh) is.
            .env("CASES", cases_dir())
            .current_dir(&work)
            .stdin(Stdio::null())
            .output()?;
        if !out.status.success() {
            return Err(format!("{}: {}", setup.display(), stderr(&out)).into());
        }
    }
    let args_text = std::fs::read_to_string(dir.join("args"))?;
    let args: Vec<&str> = args_text.lines().filter(|l| !l.is_empty()).collect();
    let mut text = String::new();
    let mut rules = Vec::new();
    for format in FORMATS {
        let mut cmd = Command::new(BIN);
        hermetic(&mut cmd, &home);
        let out = cmd
            .args(["check", "--format", format])
            .args(&args)
            .current_dir(&work)
            .stdin(Stdio::null())
            .output()?;
        let _ = writeln!(
            text,
            "$ bpf-policy check --format {format} {}",
            args.join(" ")
        );
        transcript(&mut text, &out);
        text.push('\n');
        if format == "json" {
            rules.extend(bpf_policy_e2e::rules_in(&stdout(&out)));
        }
    }
    // The rule's documentation, as `explain` prints it, is part of what a reader sees.
    let case = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut cmd = Command::new(BIN);
    hermetic(&mut cmd, &home);
    let out = cmd
        .args(["explain", &case])
        .current_dir(&work)
        .stdin(Stdio::null())
        .output()?;
    let _ = writeln!(text, "$ bpf-policy explain {case}");
    transcript(&mut text, &out);
    Ok((text, rules))
}

/// What a run printed, as `expected` shows it: stdout, stderr if any, then the exit status.
fn transcript(text: &mut String, out: &Output) {
    text.push_str(&stdout(out));
    let err = stderr(out);
    if !err.is_empty() {
        let _ = write!(text, "--- stderr\n{err}");
    }
    let code = out
        .status
        .code()
        .map_or_else(|| "killed".to_owned(), |c| c.to_string());
    let _ = writeln!(text, "--- exit status {code}");
}

/// Where two texts first differ, with a few lines of each from there.
fn first_difference(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let show = |v: &[&str]| -> String {
        v.iter()
            .skip(at)
            .take(6)
            .map(|l| format!("    {l}\n"))
            .collect()
    };
    format!(
        "  first difference at line {}:\n  expected:\n{}  actual:\n{}",
        at + 1,
        show(&e),
        show(&a)
    )
}

#[test]
fn every_rule_has_an_output_snapshot() -> TestResult {
    let root = cases_dir();
    let mut cases: Vec<String> = std::fs::read_dir(&root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    let ids: Vec<&str> = bpf_policy::RULES
        .iter()
        .map(|r| r.info.id.as_str())
        .collect();
    let missing: Vec<&&str> = ids
        .iter()
        .filter(|id| !cases.iter().any(|c| c == *id))
        .collect();
    let stray: Vec<&String> = cases
        .iter()
        .filter(|c| !ids.contains(&c.as_str()))
        .collect();
    assert!(
        missing.is_empty() && stray.is_empty(),
        "every rule needs a case in {} named after it (see the top of tests/snapshots.rs): \
         missing {missing:?}; cases naming no rule {stray:?}",
        root.display()
    );

    let mut failures = Vec::new();
    for case in &cases {
        let dir = root.join(case);
        let (actual, rules) = run_case(&dir).map_err(|e| format!("{case}: {e}"))?;
        if !rules.iter().any(|r| r == case) {
            failures.push(format!(
                "{case}: its input does not trigger the rule (JSON reported {rules:?})"
            ));
        }
        let path = dir.join("expected");
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            if overwrite() {
                std::fs::write(&path, &actual)?;
            } else {
                failures.push(format!(
                    "{case}: output differs from {}\n{}",
                    path.display(),
                    first_difference(&expected, &actual)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended: SNAPSHOTS=overwrite cargo test -p bpf-policy-cli \
         --test snapshots, then review `git diff crates/cli/tests/cmd`.",
        failures.join("\n")
    );
    Ok(())
}
