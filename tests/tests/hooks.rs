//! End to end: install.sh into temp repositories, then real git commit, push and send-email.

use std::path::PathBuf;

use bpf_policy_e2e::{
    Repo, Res, SOB, TestResult, WHY, bare_remote, base_commit, blocked_by, commit_hooked,
    install_for_tree, remote_ref, send_email, sent, smtp_script, stderr,
};

fn installed(tree: Option<&str>) -> Res<Repo> {
    let r = Repo::new()?;
    install_for_tree(&r, tree)?;
    Ok(r)
}

#[test]
fn commit_msg_accepts_good_and_rejects_bad_messages() -> TestResult {
    let r = installed(Some("bpf"))?;
    let bug = base_commit(&r)?;
    let fixes = format!("Fixes: {} (\"bpf: Add map refcounting\")", &bug[..12]);
    let out = commit_hooked(
        &r,
        "kernel/bpf/syscall.c",
        &format!("bpf: Fix a double free\n\n{WHY}\n\n{fixes}\n{SOB}"),
    )?;
    assert!(out.status.success(), "{}", stderr(&out));

    for (msg, rule) in [
        (
            format!("bpf: Fix another double free\n\n{WHY}\n\n{SOB}"),
            "fixes-required",
        ),
        (
            format!("bpf: Fix it\n\n{WHY}\n\n{fixes}\nCc: stable@vger.kernel.org\n{SOB}"),
            "no-stable-cc",
        ),
        (format!("bpf: Fix it\n\n{fixes}\n{SOB}"), "message-empty"),
    ] {
        let head = r.git(&["rev-parse", "HEAD"])?;
        let out = commit_hooked(&r, "kernel/bpf/syscall.c", &msg)?;
        assert_eq!(out.status.code(), Some(1), "{rule}");
        let err = stderr(&out);
        assert!(err.contains(&format!("error[{rule}]")), "{rule}: {err}");
        assert!(
            err.contains("git commit -e -F") && err.contains("--no-verify"),
            "{err}"
        );
        assert_eq!(
            r.git(&["rev-parse", "HEAD"])?,
            head,
            "nothing was committed"
        );
        // The message is still there, untouched, for the user to edit.
        let kept = std::fs::read_to_string(r.path().join(".git/COMMIT_EDITMSG"))?;
        assert_eq!(kept.trim_end(), msg.trim_end());
        r.git(&["reset", "-q"])?;
    }
    // A selftests-only fix for bpf needs no Fixes: (the staged files say so).
    let out = commit_hooked(
        &r,
        "tools/testing/selftests/bpf/prog_tests/x.c",
        &format!("selftests/bpf: Fix a flaky test\n\n{WHY}\n\n{SOB}"),
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(())
}

#[test]
fn commit_msg_ignores_comments_and_the_verbose_diff() -> TestResult {
    let r = installed(Some("bpf-next"))?;
    base_commit(&r)?;
    // Unchanged lines of the file come back as context lines of `git commit -v`'s diff: below
    // the scissors, " Cc: stable@..." must not count as the message's own Cc.
    r.commit(
        "notes.txt",
        "Cc: stable@vger.kernel.org\nfirst\n",
        &format!("bpf: Notes\n\n{WHY}\n\n{SOB}"),
    )?;
    std::fs::write(
        r.path().join("notes.txt"),
        "Cc: stable@vger.kernel.org\nsecond\n",
    )?;
    r.git(&["add", "notes.txt"])?;
    // An editor that writes the message (from $MSG) above what git put in the file.
    let editor = r.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\n{ cat \"$MSG\"; cat \"$1\"; } > \"$1.new\" && mv \"$1.new\" \"$1\"\n",
    )?;
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let msg = r.home.path().join("msg");
    std::fs::write(&msg, format!("bpf: Change notes\n\n{WHY}\n\n{SOB}\n"))?;
    let commit_v = || {
        r.cmd("git")
            .args(["commit", "-q", "-v"])
            .env("GIT_EDITOR", &editor)
            .env("MSG", &msg)
            .output()
    };
    let out = commit_v()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!r.git(&["log", "-1", "--format=%B"])?.contains("stable"));

    // With `;` as the comment character, a body that starts with `#` is the message itself:
    // taking it for a comment would leave no body (message-empty).
    r.git(&["config", "core.commentChar", ";"])?;
    std::fs::write(
        r.path().join("notes.txt"),
        "Cc: stable@vger.kernel.org\nthird\n",
    )?;
    r.git(&["add", "notes.txt"])?;
    std::fs::write(
        &msg,
        format!(
            "bpf: Include the header\n\n#include <linux/bpf.h> is what the notes need.\n\n{SOB}\n"
        ),
    )?;
    let out = commit_v()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(r.git(&["log", "-1", "--format=%B"])?.contains("#include"));
    Ok(())
}

#[test]
fn merges_and_fixups_pass_commit_msg() -> TestResult {
    let r = installed(Some("bpf"))?;
    base_commit(&r)?;
    r.git(&["checkout", "-q", "-b", "side"])?;
    let fix_msg = |n: &str| format!("selftests/bpf: Add test {n}\n\n{WHY}\n\n{SOB}");
    assert!(
        commit_hooked(&r, "tools/testing/selftests/bpf/a.c", &fix_msg("a"))?
            .status
            .success()
    );
    r.git(&["checkout", "-q", "master"])?;
    assert!(
        commit_hooked(&r, "tools/testing/selftests/bpf/b.c", &fix_msg("b"))?
            .status
            .success()
    );
    // git's own merge message has no body and no sign-off.
    let out = r
        .cmd("git")
        .args(["merge", "-q", "--no-ff", "--no-edit", "side"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        r.git(&["rev-list", "--count", "--merges", "HEAD"])?.trim(),
        "1"
    );
    std::fs::write(r.path().join("tools/testing/selftests/bpf/a.c"), "y\n")?;
    r.git(&["add", "-A"])?;
    let out = r
        .cmd("git")
        .args(["commit", "-q", "--fixup", "HEAD~1"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(())
}

/// A bare remote the repository pushes to.
fn with_remote(r: &Repo) -> Res<PathBuf> {
    let bare = bare_remote(r, "origin", "remote.git")?;
    // Pushes there are submissions (a local path names no tree).
    r.git(&["config", "bpf-policy.pushRemote", "origin"])?;
    Ok(bare)
}

#[test]
fn pre_push_blocks_bad_commits_and_lets_good_ones_through() -> TestResult {
    let r = installed(Some("bpf-next"))?;
    let bare = with_remote(&r)?;
    base_commit(&r)?;
    // New branch.
    let out = r
        .cmd("git")
        .args(["push", "-q", "origin", "master"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    // Update with a good commit.
    assert!(
        commit_hooked(
            &r,
            "kernel/bpf/a.c",
            &format!("bpf: Add a\n\n{WHY}\n\n{SOB}")
        )?
        .status
        .success()
    );
    let out = r
        .cmd("git")
        .args(["push", "-q", "origin", "master"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    let good = r.git(&["rev-parse", "HEAD"])?.trim().to_owned();
    // A bad commit (no sign-off, made with --no-verify) blocks the push; nothing arrives.
    std::fs::write(r.path().join("kernel/bpf/a.c"), "bad\n")?;
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-am",
        "bpf: Change a\n\nWhy.",
    ])?;
    let out = r.cmd("git").args(["push", "origin", "master"]).output()?;
    blocked_by(&out, "signoff-missing");
    assert_eq!(
        remote_ref(&r, &bare, "refs/heads/master")?,
        Some(good.clone())
    );
    // ... also as a new branch, and behind a tag.
    let out = r
        .cmd("git")
        .args(["push", "origin", "HEAD:refs/heads/topic"])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(remote_ref(&r, &bare, "refs/heads/topic")?, None);
    r.git(&["tag", "-a", "-m", "tag", "t1"])?;
    let out = r.cmd("git").args(["push", "origin", "t1"]).output()?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Fix it, force push over history the remote has; delete a branch.
    r.git(&["reset", "-q", "--hard", "HEAD~1"])?;
    std::fs::write(r.path().join("kernel/bpf/a.c"), "good\n")?;
    r.git(&[
        "commit",
        "-qam",
        &format!("bpf: Change a\n\n{WHY}\n\n{SOB}"),
    ])?;
    let out = r
        .cmd("git")
        .args([
            "push",
            "-q",
            "--force",
            "origin",
            "master",
            "HEAD:refs/heads/topic",
        ])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = r
        .cmd("git")
        .args(["push", "-q", "origin", ":refs/heads/topic"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(remote_ref(&r, &bare, "refs/heads/topic")?, None);
    // fixup! commits do not leave the machine.
    std::fs::write(r.path().join("kernel/bpf/a.c"), "better\n")?;
    r.git(&["add", "-A"])?;
    r.git(&["commit", "-q", "--fixup", "HEAD"])?;
    let out = r.cmd("git").args(["push", "origin", "master"]).output()?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[fixup-commit]"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn pre_push_to_a_fixes_tree_needs_fixes_tags() -> TestResult {
    let r = installed(None)?;
    bare_remote(&r, "bpf", "bpf.git")?;
    base_commit(&r)?;
    let out = r.cmd("git").args(["push", "bpf", "master"]).output()?;
    blocked_by(&out, "fixes-required");
    Ok(())
}

#[test]
fn send_email_sends_good_series_and_nothing_of_a_bad_one() -> TestResult {
    let r = installed(None)?;
    base_commit(&r)?;
    assert!(
        commit_hooked(
            &r,
            "kernel/bpf/a.c",
            &format!("bpf: Add a\n\n{WHY}\n\n{SOB}")
        )?
        .status
        .success()
    );
    assert!(
        commit_hooked(
            &r,
            "tools/testing/selftests/bpf/a.c",
            &format!("selftests/bpf: Test a\n\n{WHY}\n\n{SOB}")
        )?
        .status
        .success()
    );
    let (script, log) = smtp_script(&r)?;

    // Two patches, no cover letter: nothing goes out.
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-2"])?;
    let out = send_email(&r, &script, "bpf@vger.kernel.org", &files)?;
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("series-cover-letter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 0);

    // No tree in the prefix: nothing goes out.
    let (_, files) = r.format_patch(&["-1"])?;
    let out = send_email(&r, &script, "bpf@vger.kernel.org", &files)?;
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("subject-tree"), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 0);

    // A proper series goes out whole; --dry-run validates too.
    let (_, files) =
        r.format_patch(&["--subject-prefix=PATCH bpf-next", "--cover-letter", "-2"])?;
    let cover = std::fs::read_to_string(&files[0])?
        .replace("*** SUBJECT HERE ***", "bpf: Add a")
        .replace("*** BLURB HERE ***", "This series adds a, with a test.");
    std::fs::write(&files[0], cover)?;
    let mut dry = r.cmd("git");
    dry.args([
        "send-email",
        "--dry-run",
        "--confirm=never",
        "--suppress-cc=all",
        "--to=bpf@vger.kernel.org",
        "--from=A <a@b>",
    ])
    .args(&files);
    let out = dry.output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = send_email(&r, &script, "bpf@vger.kernel.org", &files)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 3);
    Ok(())
}

#[test]
fn send_email_checks_recipients_from_the_header_file() -> TestResult {
    let r = installed(None)?;
    base_commit(&r)?;
    assert!(
        commit_hooked(
            &r,
            "kernel/bpf/a.c",
            &format!("bpf: Add a\n\n{WHY}\n\n{SOB}")
        )?
        .status
        .success()
    );
    let (script, log) = smtp_script(&r)?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-1"])?;
    let out = r
        .cmd("git")
        .args([
            "send-email",
            "--confirm=never",
            "--suppress-cc=all",
            "--to=netdev@vger.kernel.org",
            "--cc=stable@vger.kernel.org",
            "--from=A <a@b>",
        ])
        .arg(format!("--smtp-server={}", script.display()))
        .args(&files)
        .output()?;
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("recipient-list") && err.contains("no-stable-cc"),
        "{err}"
    );
    assert_eq!(sent(&log)?, 0);
    Ok(())
}

#[test]
fn pre_push_force_over_history_it_does_not_have() -> TestResult {
    let r = installed(Some("bpf-next"))?;
    let bare = with_remote(&r)?;
    base_commit(&r)?;
    let out = r
        .cmd("git")
        .args(["push", "-q", "origin", "master"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    r.git(&["fetch", "-q", "origin"])?;
    // Someone else pushes to the remote; we never fetch it.
    let other = r.home.path().join("other");
    r.git(&[
        "clone",
        "-q",
        &bare.to_string_lossy(),
        &other.to_string_lossy(),
    ])?;
    let mut c = r.cmd("git");
    c.current_dir(&other);
    std::fs::write(other.join("theirs.c"), "t\n")?;
    let out = c.args(["add", "theirs.c"]).output()?;
    assert!(out.status.success());
    let out = r
        .cmd("git")
        .current_dir(&other)
        .args([
            "commit",
            "-q",
            "-m",
            "bpf: Theirs\n\nTheirs.\n\nSigned-off-by: B <b@c>",
        ])
        .output()?;
    assert!(out.status.success());
    let out = r
        .cmd("git")
        .current_dir(&other)
        .args(["push", "-q", "--no-verify", "origin", "master"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    // Our force push names a remote id we do not have: the commits not on origin's
    // tracking refs are checked, and a bad one still blocks.
    std::fs::write(r.path().join("mine.c"), "m\n")?;
    r.git(&["add", "mine.c"])?;
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "bpf: Mine\n\nNo sign-off here.",
    ])?;
    let out = r
        .cmd("git")
        .args(["push", "--force", "origin", "master"])
        .output()?;
    blocked_by(&out, "signoff-missing");
    r.git(&[
        "commit",
        "-q",
        "--amend",
        "--no-verify",
        "-m",
        &format!("bpf: Mine\n\n{WHY}\n\n{SOB}"),
    ])?;
    let out = r
        .cmd("git")
        .args(["push", "-q", "--force", "origin", "master"])
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(())
}
