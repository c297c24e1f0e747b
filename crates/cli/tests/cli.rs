//! `bpf-policy check` on real `git format-patch` output, the corpus, and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bpf_policy_e2e::{Repo, TestResult, hermetic, rules_in, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_bpf-policy");

fn bpf_policy(repo: &Repo, args: &[&str]) -> Result<Output, std::io::Error> {
    repo.cmd(BIN).args(args).output()
}

fn json(
    repo: &Repo,
    args: &[&str],
) -> Result<(Option<i32>, Vec<String>), Box<dyn std::error::Error>> {
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    let out = bpf_policy(repo, &full)?;
    Ok((out.status.code(), rules_in(&stdout(&out))))
}

fn strs(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

const GOOD_BODY: &str = "The map was freed twice when the update failed, because the error\npath dropped the reference the caller still held.\n\nKeep the reference until the caller is done.";

/// A repository with a buggy commit and a fix on top.
fn repo_with_fix() -> Result<(Repo, String), Box<dyn std::error::Error>> {
    let r = Repo::new()?;
    let bug = r.commit(
        "kernel/bpf/syscall.c",
        "int x;\n",
        "bpf: Add map refcounting\n\nAdd it.\n\nSigned-off-by: A U Thor <author@example.org>",
    )?;
    let fixes = format!("Fixes: {} (\"bpf: Add map refcounting\")", &bug[..12]);
    r.commit(
        "kernel/bpf/syscall.c",
        "int x = 1;\n",
        &format!("bpf: Fix a double free in map update\n\n{GOOD_BODY}\n\n{fixes}\nSigned-off-by: A U Thor <author@example.org>"),
    )?;
    Ok((r, bug))
}

#[test]
fn single_fix_patch_passes() -> TestResult {
    let (r, _) = repo_with_fix()?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf", "-1"])?;
    let out = bpf_policy(&r, &["check", &files[0].to_string_lossy()])?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("no problems found"),
        "{}",
        stdout(&out)
    );
    Ok(())
}

#[test]
fn fix_without_fixes_tag_for_bpf_is_rejected() -> TestResult {
    let r = Repo::new()?;
    r.commit(
        "kernel/bpf/syscall.c",
        "int x;\n",
        "bpf: Add map refcounting\n\nAdd it.\n\nSigned-off-by: A U Thor <author@example.org>",
    )?;
    r.commit(
        "kernel/bpf/syscall.c",
        "int y;\n",
        &format!(
            "bpf: Fix a double free\n\n{GOOD_BODY}\n\nSigned-off-by: A U Thor <author@example.org>"
        ),
    )?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf", "-1"])?;
    let f = files[0].to_string_lossy().into_owned();
    let out = bpf_policy(&r, &["check", "--color=never", &f])?;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("error[fixes-required]"), "{text}");
    assert!(
        text.contains(&format!("{f}:4")),
        "points at the Subject: line: {text}"
    );
    assert!(
        text.contains("Subject: [PATCH bpf] bpf: Fix a double free"),
        "{text}"
    );
    // The same patch for bpf-next only gets advice.
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-1"])?;
    let (code, rules) = json(&r, &[&files[0].to_string_lossy()])?;
    assert_eq!((code, rules), (Some(0), vec!["fixes-advised".to_owned()]));
    // A selftest-only patch for bpf needs no Fixes:.
    r.commit("tools/testing/selftests/bpf/prog_tests/x.c", "t\n", &format!("selftests/bpf: Fix a flaky test\n\n{GOOD_BODY}\n\nSigned-off-by: A U Thor <author@example.org>"))?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf", "-1"])?;
    let (code, rules) = json(&r, &[&files[0].to_string_lossy()])?;
    assert_eq!((code, rules), (Some(0), Vec::<String>::new()));
    Ok(())
}

fn three_commits(r: &Repo) -> TestResult {
    r.commit(
        "base.c",
        "0\n",
        "bpf: Base\n\nBase.\n\nSigned-off-by: A U Thor <author@example.org>",
    )?;
    for (i, f) in [
        "kernel/bpf/verifier.c",
        "tools/testing/selftests/bpf/verifier/x.c",
    ]
    .iter()
    .enumerate()
    {
        r.commit(f, &format!("{i}\n"), &format!("bpf: Change number {i}\n\nThis explains change {i}.\n\nSigned-off-by: A U Thor <author@example.org>"))?;
    }
    Ok(())
}

#[test]
fn series_needs_a_real_cover_letter() -> TestResult {
    let r = Repo::new()?;
    three_commits(&r)?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-2"])?;
    let (code, rules) = json(
        &r,
        &strs(&files).iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    assert_eq!(
        (code, rules),
        (Some(1), vec!["series-cover-letter".to_owned()])
    );

    let (dir, files) =
        r.format_patch(&["--subject-prefix=PATCH bpf-next", "--cover-letter", "-2"])?;
    assert_eq!(files.len(), 3);
    let (code, rules) = json(&r, &[&dir.to_string_lossy()])?;
    assert_eq!(code, Some(1));
    assert_eq!(
        rules,
        vec!["cover-letter-placeholder", "cover-letter-placeholder"]
    );

    // Fill in the cover letter as a person would.
    let cover = std::fs::read_to_string(&files[0])?
        .replace("*** SUBJECT HERE ***", "bpf: Teach the verifier a trick")
        .replace(
            "*** BLURB HERE ***",
            "This series teaches the verifier a trick, with tests.",
        );
    std::fs::write(&files[0], cover)?;
    let (code, rules) = json(&r, &[&dir.to_string_lossy()])?;
    assert_eq!((code, rules), (Some(0), Vec::<String>::new()));

    // Only the verifier patch: no selftests in the series, and 1 of 2 is missing.
    let (code, rules) = json(
        &r,
        &[&files[0].to_string_lossy(), &files[1].to_string_lossy()],
    )?;
    assert_eq!(code, Some(1));
    assert!(
        rules.contains(&"series-consistency".to_owned())
            && rules.contains(&"verifier-selftests".to_owned()),
        "{rules:?}"
    );
    Ok(())
}

#[test]
fn a_directory_and_its_files_are_the_same_inputs() -> TestResult {
    let r = Repo::new()?;
    three_commits(&r)?;
    let (dir, files) =
        r.format_patch(&["--subject-prefix=PATCH bpf-next", "--cover-letter", "-2"])?;
    assert_eq!(files.len(), 3);
    let by_dir = bpf_policy(&r, &["check", &dir.to_string_lossy()])?;
    let mut args = vec!["check".to_owned()];
    args.extend(strs(&files));
    let by_file = bpf_policy(&r, &args.iter().map(String::as_str).collect::<Vec<_>>())?;
    assert_eq!(by_dir.status.code(), Some(1));
    assert!(
        stdout(&by_dir).ends_with("in 3 inputs: not ready to send\n"),
        "{}",
        stdout(&by_dir)
    );
    assert_eq!(stdout(&by_dir), stdout(&by_file));
    assert_eq!(by_dir.status.code(), by_file.status.code());
    Ok(())
}

#[test]
fn cover_letter_without_description() -> TestResult {
    let r = Repo::new()?;
    three_commits(&r)?;
    let (dir, files) =
        r.format_patch(&["--subject-prefix=PATCH bpf-next", "--cover-letter", "-2"])?;
    let cover = std::fs::read_to_string(&files[0])?
        .replace("*** SUBJECT HERE ***", "bpf: Something")
        .replace("*** BLURB HERE ***\n", "");
    std::fs::write(&files[0], cover)?;
    let (code, rules) = json(&r, &[&dir.to_string_lossy()])?;
    assert_eq!(
        (code, rules),
        (Some(1), vec!["cover-letter-empty".to_owned()])
    );
    Ok(())
}

#[test]
fn revisions_and_prefix_variants() -> TestResult {
    let (r, _) = repo_with_fix()?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf", "-v2", "-1"])?;
    let f = files[0].to_string_lossy().into_owned();
    assert!(std::fs::read_to_string(&files[0])?.contains("Subject: [PATCH bpf v2] bpf: Fix"));
    let (code, rules) = json(&r, &[&f])?;
    assert_eq!(
        (code, rules),
        (Some(0), vec!["series-changelog".to_owned()])
    );

    for (prefix, rule) in [
        ("PATCH", "subject-tree"),
        ("PATCH bpf_next", "subject-tree-unknown"),
        ("PATCH BPF", "subject-tree-unknown"),
        ("PATCH bpf V2", "subject-version"),
    ] {
        let (_, files) = r.format_patch(&[&format!("--subject-prefix={prefix}"), "-1"])?;
        let (code, rules) = json(&r, &[&files[0].to_string_lossy()])?;
        assert_eq!(code, Some(1), "{prefix}");
        assert!(rules.contains(&rule.to_owned()), "{prefix}: {rules:?}");
    }
    for prefix in ["RFC PATCH bpf", "PATCH RESEND bpf", "PATCH net"] {
        let (_, files) = r.format_patch(&[&format!("--subject-prefix={prefix}"), "-1"])?;
        let (code, rules) = json(&r, &[&files[0].to_string_lossy()])?;
        assert_eq!((code, rules), (Some(0), Vec::<String>::new()), "{prefix}");
    }
    Ok(())
}

#[test]
fn rfc2047_subject_and_author() -> TestResult {
    let r = Repo::new()?;
    r.commit(
        "a.c",
        "0\n",
        "bpf: Base\n\nBase.\n\nSigned-off-by: A U Thor <author@example.org>",
    )?;
    std::fs::write(r.path().join("a.c"), "1\n")?;
    r.git(&["add", "a.c"])?;
    let out = r
        .cmd("git")
        .args(["commit", "-q", "-m", "libbpf: Handle naïve names\n\nNames with ü were cut.\n\nSigned-off-by: Jörg Müller <jm@example.org>"])
        .env("GIT_AUTHOR_NAME", "Jörg Müller")
        .env("GIT_AUTHOR_EMAIL", "jm@example.org")
        .output()?;
    assert!(out.status.success());
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-1"])?;
    let raw = std::fs::read_to_string(&files[0])?;
    assert!(
        raw.contains("=?UTF-8?q?"),
        "format-patch encoded the headers: {raw}"
    );
    let (code, rules) = json(&r, &[&files[0].to_string_lossy()])?;
    assert_eq!((code, rules), (Some(0), Vec::<String>::new()));

    // Someone else's sign-off only: the decoded author is not signed off.
    let bad = raw.replace(
        "Signed-off-by: Jörg Müller <jm@example.org>",
        "Signed-off-by: A U Thor <author@example.org>",
    );
    std::fs::write(&files[0], bad)?;
    let (code, rules) = json(&r, &[&files[0].to_string_lossy()])?;
    assert_eq!((code, rules), (Some(1), vec!["signoff-author".to_owned()]));
    Ok(())
}

#[test]
fn stable_cc_above_the_line_is_an_error_below_it_fine() -> TestResult {
    let (r, bug) = repo_with_fix()?;
    let msg = format!(
        "bpf: Fix it again\n\n{GOOD_BODY}\n\nFixes: {} (\"bpf: Add map refcounting\")\nCc: stable@vger.kernel.org\nSigned-off-by: A U Thor <author@example.org>",
        &bug[..12]
    );
    let p = r.path().join("msg.txt");
    std::fs::write(&p, &msg)?;
    let (code, rules) = json(&r, &["--as", "message", &p.to_string_lossy()])?;
    assert_eq!((code, rules), (Some(1), vec!["no-stable-cc".to_owned()]));
    let below = msg.replace("Cc: stable@vger.kernel.org\n", "")
        + "\n---\nPlease queue for stable; Cc: stable@vger.kernel.org\n";
    std::fs::write(&p, below)?;
    let (code, rules) = json(&r, &[&p.to_string_lossy()])?;
    assert_eq!((code, rules), (Some(0), Vec::<String>::new()));
    Ok(())
}

#[test]
fn corpus_through_the_command() -> TestResult {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/corpus");
    let mut files: Vec<String> = Vec::new();
    for d in ["libbpf-accepted", "bpftool-accepted"] {
        let dir = root.join(d);
        let rd = std::fs::read_dir(&dir)
            .map_err(|e| format!("test data {} is missing: {e}", dir.display()))?;
        for e in rd {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "msg") {
                files.push(p.to_string_lossy().into_owned());
            }
        }
    }
    assert_eq!(files.len(), 2000);
    let home = tempfile::tempdir()?;
    let mut cmd = Command::new(BIN);
    hermetic(&mut cmd, home.path());
    let out = cmd
        .current_dir(home.path())
        .args(["check", "--no-repo", "--as", "message", "--format", "json"])
        .args(&files)
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let mut errors: Vec<(String, String)> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["severity"] == "error")
        .map(|v| {
            let f = v["file"].as_str().unwrap_or_default();
            (
                f.rsplit('/').next().unwrap_or(f).to_owned(),
                v["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (
                "0342-4ec5e360ae01.msg".to_owned(),
                "trailer-typo".to_owned()
            ),
            (
                "1438-1bc08143b5c6.msg".to_owned(),
                "message-empty".to_owned()
            ),
            (
                "1475-0102f65d72d5.msg".to_owned(),
                "no-stable-cc".to_owned()
            ),
        ]
    );
    Ok(())
}

#[test]
fn bad_input_exits_2_with_a_clear_message() -> TestResult {
    let r = Repo::new()?;
    let p = |n: &str| r.path().join(n).to_string_lossy().into_owned();
    std::fs::write(p("empty"), "")?;
    std::fs::write(p("junk"), [0u8, 159, 146, 150, 0, 1, 2])?;
    std::fs::create_dir(p("nopatches"))?;
    std::fs::write(p("nopatches/readme.txt"), "x")?;
    let mut big = String::from("bpf: Big\n\n");
    let line = "x".repeat(99) + "\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&line);
    }
    std::fs::write(p("big.msg"), big)?;
    std::fs::write(
        p("cut.patch"),
        "From: A <a@b>\nSubject: [PATCH bpf] bpf: x\n\nWhy.\n\nSigned-off-by: A <a@b>\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n",
    )?;
    for (name, needle) in [
        ("missing", "cannot read it"),
        ("empty", "it is empty"),
        ("junk", "binary data"),
        ("nopatches", "no *.patch files"),
        ("big.msg", "may be at most"),
        ("cut.patch", "truncated"),
    ] {
        let out = bpf_policy(&r, &["check", &p(name)])?;
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains(needle) && err.contains(&p(name)),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let out = bpf_policy(&r, &["check", "--tree", "bpf_next", &p("empty")])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown tree 'bpf_next'"));
    let out = bpf_policy(&r, &["frobnicate"])?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

#[test]
fn stdin_checkpatch_format_for_b4() -> TestResult {
    let r = Repo::new()?;
    r.commit(
        "a.c",
        "0\n",
        "bpf: Base\n\nBase.\n\nSigned-off-by: A U Thor <author@example.org>",
    )?;
    r.commit(
        "a.c",
        "1\n",
        "bpf: fix thing\n\nSigned-off-by: A U Thor <author@example.org>",
    )?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-1"])?;
    let out = r
        .cmd(BIN)
        .args(["check", "--format", "checkpatch", "-"])
        .stdin(std::fs::File::open(&files[0])?)
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("-:4: ERROR:MESSAGE_EMPTY: ")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("-:4: WARNING:FIXES_ADVISED: ")),
        "{text}"
    );
    Ok(())
}

#[test]
fn config_regrades_and_disables() -> TestResult {
    let r = Repo::new()?;
    let p = r.path().join("m.txt");
    std::fs::write(
        &p,
        "Add a thing\n\nBecause.\n\nSigned-off-by: A U Thor <author@example.org>\n",
    )?;
    let f = p.to_string_lossy().into_owned();
    assert_eq!(
        json(&r, &[&f])?,
        (Some(0), vec!["subject-format".to_owned()])
    );
    r.git(&["config", "bpf-policy.subject-format.severity", "error"])?;
    assert_eq!(
        json(&r, &[&f])?,
        (Some(1), vec!["subject-format".to_owned()])
    );
    r.git(&["config", "--add", "bpf-policy.disable", "subject-format"])?;
    r.git(&["config", "--unset", "bpf-policy.subject-format.severity"])?;
    assert_eq!(json(&r, &[&f])?, (Some(0), vec![]));
    assert_eq!(
        json(&r, &["-W", "subject-format=warning", &f])?,
        (Some(0), vec!["subject-format".to_owned()])
    );
    // --no-repo reads no config.
    r.git(&["config", "bpf-policy.signoff-missing.severity", "off"])?;
    std::fs::write(&p, "bpf: Add a thing\n\nBecause.\n")?;
    assert_eq!(json(&r, &[&f])?, (Some(0), vec![]));
    assert_eq!(
        json(&r, &["--no-repo", &f])?,
        (Some(1), vec!["signoff-missing".to_owned()])
    );
    // enable turns back on a rule whose severity is off, though git writes it first.
    r.git(&[
        "config",
        "--unset-all",
        "bpf-policy.signoff-missing.severity",
    ])?;
    r.git(&["config", "bpf-policy.tree", "bpf-next"])?;
    r.git(&["config", "bpf-policy.signoff-missing.severity", "off"])?;
    r.git(&["config", "--add", "bpf-policy.enable", "signoff-missing"])?;
    let file = std::fs::read_to_string(r.path().join(".git/config"))?;
    assert!(
        file.find("enable") < file.find("severity = off"),
        "git wrote them in the order the test means to check: {file}"
    );
    assert_eq!(
        json(&r, &[&f])?,
        (Some(1), vec!["signoff-missing".to_owned()])
    );
    // A typo in config, or in -W, is reported with the rule it most likely meant.
    r.git(&["config", "bpf-policy.fixes-advisd.severity", "off"])?;
    let out = bpf_policy(&r, &["check", &f])?;
    assert!(
        stderr(&out).contains(
            "git config bpf-policy.fixes-advisd.severity: no rule is called 'fixes-advisd'; did you mean 'fixes-advised'?"
        ),
        "{}",
        stderr(&out)
    );
    let out = bpf_policy(&r, &["check", "-W", "signof-missing=off", &f])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "-W signof-missing=off: no rule is called 'signof-missing'; did you mean 'signoff-missing'?"
        ),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn rules_and_explain_come_from_the_table() -> TestResult {
    let r = Repo::new()?;
    let out = bpf_policy(&r, &["rules"])?;
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(ids.len(), bpf_policy_ids().len());
    for id in bpf_policy_ids() {
        assert!(ids.contains(&id.as_str()), "{id}");
        let out = bpf_policy(&r, &["explain", &id])?;
        assert_eq!(out.status.code(), Some(0));
        let e = stdout(&out);
        assert!(
            e.contains("Policy: ") && e.contains("Bad:") && e.contains("Good:"),
            "{e}"
        );
    }
    // Which patches a rule judges (POLICY.md, Scope).
    let e = stdout(&bpf_policy(&r, &["explain", "signoff-missing"])?);
    assert!(e.contains("a kernel-wide rule"), "{e}");
    let e = stdout(&bpf_policy(&r, &["explain", "no-stable-cc"])?);
    assert!(e.contains("BPF and netdev work only"), "{e}");
    let out = bpf_policy(&r, &["explain", "fixes-requierd"])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean 'fixes-required'"));
    Ok(())
}

/// The rule ids as POLICY.md lists them, so the table cannot silently lose one.
fn bpf_policy_ids() -> Vec<String> {
    [
        "subject-tree",
        "subject-tree-unknown",
        "subject-version",
        "subject-format",
        "fixes-required",
        "fixes-advised",
        "fixes-format",
        "fixes-commit",
        "fixes-tree",
        "message-empty",
        "signoff-missing",
        "signoff-author",
        "trailer-typo",
        "no-stable-cc",
        "series-cover-letter",
        "cover-letter-placeholder",
        "cover-letter-empty",
        "series-consistency",
        "series-changelog",
        "recipient-list",
        "repost-too-soon",
        "new-version-thread",
        "version-sequence",
        "applies-to-tree",
        "maintainers-list",
        "maintainers-cc",
        "fixes-author-cc",
        "verifier-selftests",
        "jit-tests",
        "uapi-tools-sync",
        "samples-not-selftests",
        "merge-window",
        "fixup-commit",
        "series-too-long",
        "changelog-placement",
        "pull-request-subject",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

#[test]
fn color_only_when_asked_or_on_a_terminal() -> TestResult {
    let r = Repo::new()?;
    let p = r.path().join("m.txt");
    std::fs::write(
        &p,
        "Add a thing\n\nBecause.\n\nSigned-off-by: A U Thor <author@example.org>\n",
    )?;
    let f = p.to_string_lossy().into_owned();
    let out = bpf_policy(&r, &["check", &f])?;
    assert!(!stdout(&out).contains('\x1b'));
    let out = bpf_policy(&r, &["check", "--color=always", &f])?;
    assert!(stdout(&out).contains('\x1b'));
    Ok(())
}

#[test]
fn terminal_escapes_in_checked_text_are_shown_escaped() -> TestResult {
    let r = Repo::new()?;
    let p = r.path().join("m\u{1b}[2J.txt");
    // An OSC sequence that would retitle the terminal, and a screen clear.
    std::fs::write(
        &p,
        "Add a thing \u{1b}]0;owned\u{7}\n\nBecause \u{1b}[2J.\n\nCc: stable@vger.kernel.org\n",
    )?;
    let f = p.to_string_lossy().into_owned();
    for format in ["human", "checkpatch"] {
        let out = bpf_policy(&r, &["check", "--color", "always", "--format", format, &f])?;
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("\\x1b]0;owned\\x07"), "{text}");
        assert!(text.contains("m\\x1b[2J.txt"), "{text}");
        // The only escapes left are the colours bpf-policy itself writes.
        let without_colours = regex_lite_strip_sgr(&text);
        assert!(
            !without_colours.contains(|c: char| c.is_control() && c != '\n' && c != '\t'),
            "{without_colours:?}"
        );
    }
    // Messages on standard error quote paths and arguments: escaped too.
    let out = bpf_policy(&r, &["check", "no\u{1b}]0;such\u{7}.patch"])?;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no\\x1b]0;such\\x07.patch"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    let out = bpf_policy(&r, &["check", "-W", "\u{1b}[2J=off", &f])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains('\u{1b}'), "{:?}", stderr(&out));
    Ok(())
}

/// Remove `ESC [ digits/semicolons m` (SGR colour) sequences.
fn regex_lite_strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let n = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[n..].starts_with('m') {
            rest = &after[n + 1..];
        } else {
            out.push('\u{1b}');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn mbox_of_a_series_is_one_series() -> TestResult {
    let r = Repo::new()?;
    three_commits(&r)?;
    let out = r
        .cmd("git")
        .args([
            "format-patch",
            "--stdout",
            "--subject-prefix=PATCH bpf-next",
            "-2",
        ])
        .output()?;
    let mbox = r.path().join("series.mbox");
    std::fs::write(&mbox, &out.stdout)?;
    let out = bpf_policy(&r, &["check", "--format", "json", &mbox.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["rule"], "series-cover-letter");
    // Line numbers are lines of the mbox: the first patch's Subject: is line 4.
    assert_eq!(lines[0]["line"], 4);
    Ok(())
}

#[test]
fn readme_rule_list_is_the_rule_table() -> TestResult {
    let r = Repo::new()?;
    let out = bpf_policy(&r, &["rules"])?;
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))?;
    let start = readme
        .find("<!-- rules:start -->\n```text\n")
        .ok_or("no rules block in README")?;
    let block = &readme[start + "<!-- rules:start -->\n```text\n".len()..];
    let end = block
        .find("```\n<!-- rules:end -->")
        .ok_or("unterminated rules block")?;
    assert_eq!(
        &block[..end],
        stdout(&out),
        "README's rule list is stale: paste `bpf-policy rules` into it"
    );
    Ok(())
}

#[test]
fn readme_example_output_is_what_the_command_prints() -> TestResult {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    let head = "<!-- example:start -->\n```text\n$ bpf-policy check --no-repo examples/bad\n";
    let start = readme.find(head).ok_or("no example block in README")?;
    let block = &readme[start + head.len()..];
    let end = block
        .find("```\n<!-- example:end -->")
        .ok_or("unterminated example block")?;
    let run = |dir: &str| -> Result<Output, std::io::Error> {
        let home = tempfile::tempdir()?;
        let mut cmd = Command::new(BIN);
        hermetic(&mut cmd, home.path());
        cmd.current_dir(&root)
            .args(["check", "--no-repo", dir])
            .output()
    };
    let bad = run("examples/bad")?;
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        &block[..end],
        stdout(&bad),
        "README's example output is stale"
    );
    let good = run("examples/good")?;
    assert_eq!(good.status.code(), Some(0), "{}", stdout(&good));
    Ok(())
}

#[test]
fn a_lone_part_of_a_series_gets_item_rules_only() -> TestResult {
    let r = Repo::new()?;
    r.commit(
        "kernel/bpf/verifier.c",
        "0\n",
        &format!("bpf: Base\n\n{GOOD_BODY}\n\nSigned-off-by: A U Thor <author@example.org>"),
    )?;
    r.commit(
        "kernel/bpf/verifier.c",
        "1\n",
        &format!("bpf: Track foo\n\n{GOOD_BODY}\n\nSigned-off-by: A U Thor <author@example.org>"),
    )?;
    r.commit(
        "tools/testing/selftests/bpf/progs/verifier_foo.c",
        "1\n",
        &format!(
            "selftests/bpf: Test foo\n\n{GOOD_BODY}\n\nSigned-off-by: A U Thor <author@example.org>"
        ),
    )?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-2"])?;
    // b4 prep --check feeds 1/2 alone: the selftests are in 2/2, which it cannot see.
    let out = r
        .cmd(BIN)
        .args(["check", "--format", "json", "-"])
        .stdin(std::fs::File::open(&files[0])?)
        .output()?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!rules_in(&stdout(&out)).contains(&"verifier-selftests".to_owned()));
    // The same part alone in a directory: the directory is the whole series, judged so.
    let dir = r.path().join("lone");
    std::fs::create_dir(&dir)?;
    std::fs::copy(&files[0], dir.join("0001.patch"))?;
    let (_, rules) = json(&r, &[&dir.to_string_lossy()])?;
    assert!(
        rules.contains(&"verifier-selftests".to_owned()),
        "{rules:?}"
    );
    // Both parts together: series rules run (no cover letter for two BPF patches).
    let (code, rules) = json(
        &r,
        &strs(&files).iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    assert_eq!(code, Some(1));
    assert!(
        rules.contains(&"series-cover-letter".to_owned()),
        "{rules:?}"
    );
    Ok(())
}

#[test]
fn on_a_b4_branch_the_tree_is_set_with_b4() -> TestResult {
    let (r, _) = repo_with_fix()?;
    r.git(&["config", "branch.master.b4-prep-cover-strategy", "commit"])?;
    let (_, files) = r.format_patch(&["-1"])?;
    let out = bpf_policy(&r, &["check", &files[0].to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("b4 prep --set-prefixes bpf-next"), "{text}");
    assert!(!text.contains("--subject-prefix"), "{text}");
    Ok(())
}

#[test]
fn emails_that_are_not_patches_are_not_checked() -> TestResult {
    let r = Repo::new()?;
    let reply = r.path().join("reply.eml");
    std::fs::write(
        &reply,
        "From: A U Thor <author@example.org>\nSubject: Re: [PATCH bpf-next] bpf: Add foo\n\n> Why?\n\nBecause.\n",
    )?;
    let compose = r.path().join("compose.eml");
    std::fs::write(
        &compose,
        "From: A U Thor <author@example.org>\nSubject: A note about the foo series\n\nIt is coming.\n",
    )?;
    for f in [&reply, &compose] {
        let out = bpf_policy(&r, &["check", "--verbose", &f.to_string_lossy()])?;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stderr(&out).contains("not a patch"), "{}", stderr(&out));
    }
    // Truly unusable input still is.
    let bin = r.path().join("bin.eml");
    std::fs::write(&bin, b"From: a\0b\n")?;
    assert_eq!(
        bpf_policy(&r, &["check", &bin.to_string_lossy()])?
            .status
            .code(),
        Some(2)
    );
    Ok(())
}

#[test]
fn verbose_says_why_a_patch_is_out_of_scope() -> TestResult {
    let (r, _) = repo_with_fix()?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH nf-next", "-1"])?;
    let out = bpf_policy(
        &r,
        &[
            "check",
            "--tree",
            "bpf",
            "--verbose",
            &files[0].to_string_lossy(),
        ],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("not BPF/netdev work") && err.contains("'nf-next', another subsystem's tree"),
        "{err}"
    );
    Ok(())
}
