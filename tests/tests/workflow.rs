//! End to end: the hooks in ordinary kernel work (issue 11): pushes to forks, backups and
//! trees, tags of trees, git's cleanup modes, `commit -v`, amend and reword, b4's cover
//! commit, and advice that can be pasted into a shell as printed.

use std::path::{Path, PathBuf};
use std::process::Output;

use bpf_policy_e2e::{
    Repo, Res, SOB, TestResult, WHY, bare_remote, blocked_by, executable, install_for_tree,
    release_bin, stage, stderr, stdout,
};

fn installed(tree: Option<&str>) -> Res<Repo> {
    let r = Repo::new()?;
    install_for_tree(&r, tree)?;
    Ok(r)
}

/// The commit the tests build on: kernel/bpf/a.c, made without hooks.
fn base(r: &Repo) -> Res<String> {
    r.commit(
        "kernel/bpf/a.c",
        "a\n",
        &format!("bpf: Base\n\n{WHY}\n\n{SOB}"),
    )
}

/// Hooks installed for `tree`, and master holding the base commit.
fn installed_with_base(tree: &str) -> Res<Repo> {
    let r = installed(Some(tree))?;
    base(&r)?;
    Ok(r)
}

/// `git commit` (hooks on) of a change to `file` with `args`.
fn commit_with(r: &Repo, file: &str, args: &[&str]) -> Res<Output> {
    stage(r, file)?;
    Ok(r.cmd("git").arg("commit").args(args).output()?)
}

/// A file holding `text`, outside the work tree.
fn msg_file(r: &Repo, name: &str, text: &str) -> Res<PathBuf> {
    let p = r.home.path().join(name);
    std::fs::write(&p, text)?;
    Ok(p)
}

fn head(r: &Repo) -> Res<String> {
    Ok(r.git(&["rev-parse", "HEAD"])?.trim().to_owned())
}

fn last_message(r: &Repo) -> Res<String> {
    r.git(&["log", "-1", "--format=%B"])
}

/// An executable shell script under HOME.
fn script(r: &Repo, name: &str, body: &str) -> Res<PathBuf> {
    let p = r.home.path().join(name);
    executable(&p, &format!("#!/bin/sh\n{body}\n"))?;
    Ok(p)
}

fn push(r: &Repo, args: &[&str]) -> Res<Output> {
    Ok(r.cmd("git").arg("push").args(args).output()?)
}

/// The command the hook advised (the indented `git commit ...` line), run by `sh` as a
/// user pasting it would, with `editor` as git's editor.
fn run_advice(r: &Repo, err: &str, editor: &str) -> Res<Output> {
    let line = err
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("git commit") && !l.contains("--no-verify"))
        .ok_or_else(|| format!("no advised command in: {err}"))?;
    Ok(r.cmd("sh")
        .args(["-c", line])
        .env("GIT_EDITOR", editor)
        .output()?)
}

// ---- pre-push ----------------------------------------------------------------------------

/// Upstream's history (with a commit that breaks the rules, as old history may) fetched from
/// one remote; a personal fork that already has a branch. Pushing one good fix to the fork
/// checks that fix only.
#[test]
fn push_to_a_fork_checks_only_what_is_not_public() -> TestResult {
    let r = installed(Some("bpf"))?;
    // The fork, listed as a submission remote so that errors there block, has an old
    // branch from before upstream's latest commit.
    r.commit(
        "kernel/bpf/core.c",
        "a\n",
        &format!("bpf: Base\n\n{WHY}\n\n{SOB}"),
    )?;
    bare_remote(&r, "fork", "fork.git")?;
    r.git(&["config", "bpf-policy.pushRemote", "fork"])?;
    r.git(&["push", "-q", "--no-verify", "fork", "master:refs/heads/old"])?;
    r.git(&["fetch", "-q", "fork"])?;
    // Upstream: a commit without sign-off or Fixes:, published long ago.
    bare_remote(&r, "upstream", "linux.git")?;
    r.commit(
        "kernel/bpf/core.c",
        "b\n",
        "bpf: Fix an old bug\n\nOld text.",
    )?;
    r.git(&["push", "-q", "--no-verify", "upstream", "master"])?;
    r.git(&["fetch", "-q", "upstream"])?;
    // A new branch from upstream with one correct selftests change.
    r.git(&["checkout", "-q", "-b", "fix", "upstream/master"])?;
    stage(&r, "tools/testing/selftests/bpf/t.c")?;
    r.git(&[
        "commit",
        "-q",
        "-m",
        &format!("selftests/bpf: Cover the old bug\n\n{WHY}\n\n{SOB}"),
    ])?;
    let out = push(&r, &["fork", "fix"])?;
    assert!(
        out.status.success(),
        "upstream's commit was checked: {}",
        stderr(&out)
    );
    // Not by chance: a bad commit of our own on the same push is still refused.
    stage(&r, "kernel/bpf/core.c")?;
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "bpf: Mine\n\nNo sign-off.",
    ])?;
    let out = push(&r, &["fork", "fix"])?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error[signoff-missing]"), "{err}");
    assert_eq!(err.matches("error[signoff-missing]").count(), 1, "{err}");
    Ok(())
}

/// A push to a backup remote reports and goes ahead; `bpf-policy.pushRemote '*'` makes every
/// push a submission; a tree's URL is one whatever `bpf-policy.tree` says, with that tree.
#[test]
fn which_pushes_are_submissions() -> TestResult {
    let r = installed(Some("bpf-next"))?;
    let backup = bare_remote(&r, "backup", "backup.git")?;
    base(&r)?;
    stage(&r, "kernel/bpf/a.c")?;
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "bpf: Work in progress\n\nNo sign-off yet.",
    ])?;
    let out = push(&r, &["backup", "master"])?;
    let err = stderr(&out);
    assert!(out.status.success(), "a backup push was blocked: {err}");
    assert!(
        err.contains("error[signoff-missing]"),
        "still reported: {err}"
    );
    assert!(err.contains("not blocked"), "{err}");
    let arrived = r
        .cmd("git")
        .arg("--git-dir")
        .arg(&backup)
        .args(["rev-parse", "refs/heads/master"])
        .output()?;
    assert_eq!(stdout(&arrived).trim(), head(&r)?);

    r.git(&["config", "bpf-policy.pushRemote", "*"])?;
    stage(&r, "kernel/bpf/a.c")?;
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "bpf: More work\n\nStill none.",
    ])?;
    let out = push(&r, &["backup", "master"])?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    r.git(&["config", "--unset-all", "bpf-policy.pushRemote"])?;

    // The repository says bpf-next; pushing to bpf.git is a fixes submission all the same.
    r.git(&["reset", "-q", "--hard", "HEAD~2"])?;
    bare_remote(&r, "bpf", "bpf.git")?;
    stage(&r, "kernel/bpf/a.c")?;
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("bpf: Fix the error path\n\n{WHY}\n\n{SOB}"),
    ])?;
    let out = push(&r, &["bpf", "master"])?;
    blocked_by(&out, "fixes-required");
    Ok(())
}

/// linux.git has `v2.6.11-tree`, a tag of a tree: --tags and --mirror pushes carry it.
#[test]
fn tags_of_trees_do_not_stop_a_push() -> TestResult {
    let r = installed_with_base("bpf-next")?;
    r.git(&["tag", "-a", "-m", "the tree", "v2.6.11-tree", "HEAD^{tree}"])?;
    r.git(&["tag", "plain-tree", "HEAD^{tree}"])?;
    let blob = r.git(&["rev-parse", "HEAD:kernel/bpf/a.c"])?;
    r.git(&["tag", "a-blob", blob.trim()])?;
    r.git(&["tag", "-a", "-m", "release", "v6.12"])?;
    bare_remote(&r, "origin", "origin.git")?;
    r.git(&["config", "bpf-policy.pushRemote", "origin"])?;
    let out = push(&r, &["--tags", "origin"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    bare_remote(&r, "mirror", "mirror.git")?;
    r.git(&["config", "--add", "bpf-policy.pushRemote", "mirror"])?;
    let out = push(&r, &["--mirror", "mirror"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    // What the tags point at is still checked when it is a commit.
    stage(&r, "kernel/bpf/a.c")?;
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "bpf: Bad\n\nNo sign-off.",
    ])?;
    r.git(&["tag", "bad"])?;
    let out = push(&r, &["--tags", "origin"])?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    Ok(())
}

/// A commit whose message carries b4's marker but which changes files is a patch.
#[test]
fn a_b4_marker_does_not_hide_a_patch() -> TestResult {
    let r = installed_with_base("bpf-next")?;
    let tracking = "--- b4-submit-tracking ---\n# This section is used internally by b4 prep for tracking purposes.\n{\n  \"series\": {\n    \"revision\": 1,\n    \"prefixes\": [\"bpf-next\"]\n  }\n}\n";
    let sneaky = format!("bpf: Change a\n\nNo sign-off here.\n\n{tracking}");
    let out = commit_with(&r, "kernel/bpf/a.c", &["-q", "-m", &sneaky])?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("signoff-missing"), "{}", stderr(&out));
    r.git(&["reset", "-q"])?;
    // b4's own cover commit (empty, with the JSON) still passes, EDITME and all.
    let cover = format!("EDITME: cover letter\n\n{tracking}");
    let out = r
        .cmd("git")
        .args(["commit", "-q", "--allow-empty", "-m", &cover])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    // At push time too: the file-changing one is checked, the empty one is not.
    r.git(&["add", "kernel/bpf/a.c"])?;
    r.git(&["commit", "-q", "--no-verify", "-m", &sneaky])?;
    bare_remote(&r, "origin", "origin.git")?;
    r.git(&["config", "bpf-policy.pushRemote", "origin"])?;
    let out = push(&r, &["origin", "master"])?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("signoff-missing") && !err.contains("EDITME"),
        "{err}"
    );
    Ok(())
}

// ---- commit-msg: cleanup modes ------------------------------------------------------------

/// `-F` keeps `#` lines: a body of `#include` is the message's body.
#[test]
fn commit_file_keeps_hash_lines() -> TestResult {
    let r = installed(Some("bpf-next"))?;
    let msg = msg_file(
        &r,
        "msg",
        &format!(
            "bpf: Include the header\n\n#include <linux/bpf.h> is what the map code needs.\n\n{SOB}\n"
        ),
    )?;
    let out = commit_with(&r, "kernel/bpf/a.c", &["-q", "-F", &msg.to_string_lossy()])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(last_message(&r)?.contains("#include <linux/bpf.h>"));
    Ok(())
}

/// commit.cleanup=verbatim records comment lines: a comment-only message is a message.
#[test]
fn verbatim_cleanup_records_comments() -> TestResult {
    let r = installed_with_base("bpf-next")?;
    r.git(&["config", "commit.cleanup", "verbatim"])?;
    let before = head(&r)?;
    let msg = msg_file(
        &r,
        "msg",
        "# Please enter the commit message\n# (nothing else)\n",
    )?;
    let out = commit_with(&r, "kernel/bpf/a.c", &["-q", "-F", &msg.to_string_lossy()])?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "recorded: {}",
        last_message(&r)?
    );
    assert_eq!(head(&r)?, before);
    // In the editor too (git keeps the template's own lines).
    let out = r
        .cmd("git")
        .args(["commit", "-q"])
        .env("GIT_EDITOR", "true")
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "recorded: {}",
        last_message(&r)?
    );
    assert_eq!(head(&r)?, before);
    Ok(())
}

/// A scissors line typed into a message given with -F is text git keeps, with what follows.
#[test]
fn typed_scissors_do_not_hide_what_git_records() -> TestResult {
    let r = installed_with_base("bpf-next")?;
    let msg = msg_file(
        &r,
        "msg",
        &format!(
            "bpf: Change a\n\n{WHY}\n\n{SOB}\n# ------------------------ >8 ------------------------\nCc: stable@vger.kernel.org\n"
        ),
    )?;
    let out = commit_with(&r, "kernel/bpf/a.c", &["-q", "-F", &msg.to_string_lossy()])?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "recorded: {}",
        last_message(&r)?
    );
    assert!(stderr(&out).contains("no-stable-cc"), "{}", stderr(&out));
    // With the editor (cleanup strip, no -v) git drops the scissors line as a comment and
    // keeps the Cc: below it.
    let editor = script(&r, "ed.sh", &format!("cp '{}' \"$1\"", msg.display()))?;
    let out = r
        .cmd("git")
        .args(["commit", "-q"])
        .env("GIT_EDITOR", &editor)
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "recorded: {}",
        last_message(&r)?
    );
    Ok(())
}

/// Run outside `git commit` with `GIT_EDITOR=:` (which git sets for `-m`/`-F`, and users set
/// too), the hook cannot tell whether git drops `#` lines: an error blocks only when it holds
/// in every reading in which git records the message.
#[test]
fn undecidable_cleanup_judges_both_readings() -> TestResult {
    let r = Repo::new()?;
    base(&r)?;
    let hook = |text: &str| -> Res<Output> {
        let msg = msg_file(&r, "msg", text)?;
        Ok(r.cmd(release_bin("bpf-policy-commit-msg")?)
            .arg(&msg)
            .env("GIT_EDITOR", ":")
            .output()?)
    };
    // Stripped, the body is gone; kept, it is the body: not an error.
    let out = hook(&format!(
        "bpf: Include the header\n\n#include <linux/bpf.h> is what the map code needs.\n\n{SOB}\n"
    ))?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning[message-empty]"),
        "{}",
        stderr(&out)
    );
    // Stripped, git aborts the commit; kept, it records a comment: that one is judged.
    let out = hook("# nothing but a comment\n")?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Broken in both readings: blocked.
    let out = hook(&format!("bpf: No sign-off\n\n{WHY}\n"))?;
    blocked_by(&out, "signoff-missing");
    Ok(())
}

/// After a blocked `git commit -v`, the advised command commits the message without the
/// diff, and the file git wrote is left as it was.
#[test]
fn verbose_commit_advice_records_no_diff() -> TestResult {
    let r = installed_with_base("bpf-next")?;
    stage(&r, "kernel/bpf/a.c")?;
    let body = msg_file(&r, "body", &format!("bpf: Change a\n\n{WHY}\n"))?;
    let editor = script(
        &r,
        "ed.sh",
        &format!(
            "{{ cat '{}'; cat \"$1\"; }} > \"$1.new\" && mv \"$1.new\" \"$1\"",
            body.display()
        ),
    )?;
    let out = r
        .cmd("git")
        .args(["commit", "-q", "-v"])
        .env("GIT_EDITOR", &editor)
        .output()?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let editmsg = std::fs::read_to_string(r.path().join(".git/COMMIT_EDITMSG"))?;
    assert!(editmsg.contains("diff --git"), "git's file is untouched");
    let out = run_advice(&r, &err, "true")?;
    assert!(out.status.success(), "{err}\n{}", stderr(&out));
    let recorded = last_message(&r)?;
    assert!(
        !recorded.contains("diff --git") && !recorded.contains(">8"),
        "{recorded}"
    );
    assert!(recorded.contains(SOB), "{recorded}");
    Ok(())
}

// ---- commit-msg: amend, reword, sign-off ----------------------------------------------------

/// On bpf, a selftests-only commit needs no Fixes:; amending it keeps it selftests-only.
#[test]
fn amend_of_a_selftests_commit() -> TestResult {
    let r = installed_with_base("bpf")?;
    let out = commit_with(
        &r,
        "tools/testing/selftests/bpf/t.c",
        &[
            "-q",
            "-m",
            &format!("selftests/bpf: Fix a flaky test\n\n{WHY}\n\n{SOB}"),
        ],
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = r
        .cmd("git")
        .args([
            "commit",
            "-q",
            "--amend",
            "-m",
            &format!("selftests/bpf: Fix the flaky test\n\n{WHY}\n\n{SOB}"),
        ])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(last_message(&r)?.starts_with("selftests/bpf: Fix the flaky test"));
    // An amend that adds a kernel change is a kernel fix: Fixes: needed, and the advice
    // amends.
    stage(&r, "kernel/bpf/a.c")?;
    let out = r
        .cmd("git")
        .args(["commit", "-q", "--amend", "--no-edit"])
        .output()?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("fixes-required") && err.contains("git commit --amend -e -F"),
        "{err}"
    );
    Ok(())
}

/// A reword during `rebase -i` of a selftests-only commit; a blocked one says how to go on.
#[test]
fn reword_during_interactive_rebase() -> TestResult {
    let r = installed_with_base("bpf")?;
    for n in ["one", "two"] {
        let out = commit_with(
            &r,
            &format!("tools/testing/selftests/bpf/{n}.c"),
            &[
                "-q",
                "-m",
                &format!("selftests/bpf: Test {n}\n\n{WHY}\n\n{SOB}"),
            ],
        )?;
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let reword = |editor: &Path| {
        r.cmd("git")
            .args(["rebase", "-q", "-i", "HEAD~2"])
            .env("GIT_SEQUENCE_EDITOR", "sed -i -e '1s/^pick/reword/'")
            .env("GIT_EDITOR", editor)
            .output()
    };
    let retitle = script(
        &r,
        "retitle.sh",
        "sed -i -e '1s/Test one/Test the first case/' \"$1\"",
    )?;
    let out = reword(&retitle)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        r.git(&["log", "-1", "--format=%s", "HEAD~1"])?.trim(),
        "selftests/bpf: Test the first case"
    );
    // Dropping the sign-off in the reword is refused; the advice amends, then continues.
    let unsign = script(&r, "unsign.sh", "sed -i -e '/^Signed-off-by/d' \"$1\"")?;
    let out = reword(&unsign)?;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("git commit --amend -s -e -F") && err.contains("git rebase --continue"),
        "{err}"
    );
    let out = run_advice(&r, &err, "true")?;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = r
        .cmd("git")
        .args(["rebase", "--continue"])
        .env("GIT_EDITOR", "true")
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        r.git(&["log", "-1", "--format=%B", "HEAD~1"])?
            .contains(SOB)
    );
    assert_eq!(r.git(&["rev-list", "--count", "HEAD"])?.trim(), "3");
    Ok(())
}

/// signoff-missing while committing: commit again with -s (not --amend, which would fold
/// the change into the previous commit).
#[test]
fn signoff_advice_at_commit_time() -> TestResult {
    let r = installed_with_base("bpf-next")?;
    let base = head(&r)?;
    let out = commit_with(
        &r,
        "kernel/bpf/b.c",
        &["-q", "-m", &format!("bpf: Add b\n\n{WHY}")],
    )?;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains("--amend"), "{err}");
    assert!(err.contains("git commit -s"), "{err}");
    let out = run_advice(&r, &err, "true")?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        r.git(&["rev-parse", "HEAD~1"])?.trim(),
        base,
        "a new commit"
    );
    assert!(last_message(&r)?.contains(SOB));
    assert!(
        r.git(&["show", "--stat", "HEAD"])?
            .contains("kernel/bpf/b.c")
    );
    Ok(())
}

/// Advice names paths so that they paste as one word: a `'` and a `$(...)` in the
/// repository's directory stay text.
#[test]
fn advice_is_shell_quoted() -> TestResult {
    let home = tempfile::tempdir()?;
    let dir = home.path().join("it's $(touch pwned) dir");
    std::fs::create_dir_all(&dir)?;
    let crafted = Repo {
        dir: tempfile::TempDir::new_in(&dir)?,
        home: tempfile::tempdir()?,
    };
    // The repository itself sits in the crafted directory.
    let root = crafted.path().to_path_buf();
    let out = crafted
        .cmd("git")
        .args(["init", "-q", "-b", "master"])
        .output()?;
    assert!(out.status.success());
    install_for_tree(&crafted, Some("bpf-next"))?;
    let out = commit_with(
        &crafted,
        "kernel/bpf/a.c",
        &["-q", "-m", &format!("bpf: Add a\n\n{WHY}")],
    )?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let out = run_advice(&crafted, &err, "true")?;
    assert!(out.status.success(), "{err}\n{}", stderr(&out));
    assert!(!root.join("pwned").exists() && !crafted.home.path().join("pwned").exists());
    assert!(!dir.join("pwned").exists());
    assert!(crafted.git(&["log", "-1", "--format=%B"])?.contains(SOB));
    Ok(())
}
