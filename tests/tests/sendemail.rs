//! End to end: the sendemail-validate hook under real `git send-email` (an --smtp-server
//! script stands in for the mail server): whole series, partial resends, older git, the
//! state it keeps while a run is validated, and a second user in a shared repository.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bpf_policy_e2e::{
    Repo, Res, SOB, TestResult, WHY, bare_remote, base_commit, install, install_for_tree,
    release_target_dir, sent, smtp_script, stderr, stdout,
};

const NOBODY: &str = "65534";

fn installed() -> Res<Repo> {
    let r = Repo::new()?;
    install_for_tree(&r, Some("bpf-next"))?;
    base_commit(&r)?;
    for (file, subject) in [
        ("kernel/bpf/a.c", "bpf: Add a"),
        ("kernel/bpf/b.c", "bpf: Add b"),
        (
            "tools/testing/selftests/bpf/a.c",
            "selftests/bpf: Test a and b",
        ),
    ] {
        r.commit(file, "x\n", &format!("{subject}\n\n{WHY}\n\n{SOB}"))?;
    }
    Ok(r)
}

/// format-patch into `dir` (under the repository), the cover letter filled in.
fn series(r: &Repo, dir: &str, args: &[&str]) -> Res<Vec<PathBuf>> {
    let out = r.path().join(dir);
    let out_s = out.to_string_lossy().into_owned();
    let mut full = vec!["format-patch", "-q", "-o", &out_s];
    full.extend_from_slice(args);
    r.git(&full)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in &files {
        let text = std::fs::read_to_string(f)?;
        if text.contains("*** BLURB HERE ***") {
            std::fs::write(
                f,
                text.replace("*** SUBJECT HERE ***", "bpf: Add a and b")
                    .replace(
                        "*** BLURB HERE ***",
                        "This series adds a and b, with a test.",
                    ),
            )?;
        }
    }
    Ok(files)
}

/// A sendmail stand-in that keeps each email it is handed in `<home>/sent`.
fn smtp(r: &Repo) -> Res<(PathBuf, PathBuf)> {
    let (script, log) = smtp_script(r)?;
    // Open to the second user of a shared repository too.
    std::fs::set_permissions(&log, PermissionsExt::from_mode(0o777))?;
    Ok((script, log))
}

fn send_cmd(r: &Repo, script: &Path, files: &[PathBuf], user: Option<&Path>) -> Command {
    let mut c = match user {
        Some(_) => {
            let mut c = r.cmd("setpriv");
            c.args([
                &format!("--reuid={NOBODY}"),
                &format!("--regid={NOBODY}"),
                "--clear-groups",
                "git",
            ]);
            c
        }
        None => r.cmd("git"),
    };
    if let Some(home) = user {
        c.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"));
    }
    c.args([
        "send-email",
        "--confirm=never",
        "--suppress-cc=all",
        "--to=bpf@vger.kernel.org",
        "--from=A U Thor <author@example.org>",
    ])
    .arg(format!("--smtp-server={}", script.display()))
    .args(files);
    c
}

/// send-email refused (its exit status is perl's `die`'s, so only "not 0" is stable) and
/// said so.
fn refused(out: &Output) {
    assert!(!out.status.success(), "{}", stderr(out));
    assert!(
        stderr(out).contains("rejected by sendemail-validate hook"),
        "{}",
        stderr(out)
    );
}

fn send(r: &Repo, script: &Path, files: &[PathBuf]) -> Res<Output> {
    Ok(send_cmd(r, script, files, None).output()?)
}

/// Entries left in the state directory's folder of send-email runs.
fn runs_left(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir.join("sendemail"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_partial_resend_is_refused() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    let files = series(
        &r,
        "out",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    assert_eq!(files.len(), 4);
    // Patch 2/3 alone.
    let out = send(&r, &script, &files[2..3])?;
    refused(&out);
    assert!(
        stderr(&out).contains("error[series-consistency]")
            && stderr(&out).contains("1/3, 3/3 missing"),
        "{}",
        stderr(&out)
    );
    // The cover letter alone.
    let out = send(&r, &script, &files[..1])?;
    refused(&out);
    assert!(
        stderr(&out).contains("cover letter is sent without its patches"),
        "{}",
        stderr(&out)
    );
    // Two of three.
    let out = send(&r, &script, &files[..3])?;
    refused(&out);
    assert_eq!(sent(&log)?, 0);
    let out = send(&r, &script, &files)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 4);
    // A reply named last is no patch, but its call is the run's last: the series is judged
    // there (two patches, no cover letter).
    let bare = series(&r, "bare", &["--subject-prefix=PATCH bpf-next", "-2"])?;
    let reply = r.path().join("reply.txt");
    std::fs::write(
        &reply,
        "From: A U Thor <author@example.org>\nSubject: Re: [PATCH bpf-next 0/3] bpf: Add a and b\n\nThanks, applied.\n",
    )?;
    let out = send_at(
        &r,
        &script,
        &[bare[0].clone(), bare[1].clone(), reply],
        T + 48 * HOUR,
        &[],
    )?;
    refused(&out);
    assert!(
        stderr(&out).contains("series-cover-letter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 4);
    Ok(())
}

/// Make the installed hook run as under git before 2.42, which sets no
/// GIT_SENDEMAIL_FILE_COUNTER / GIT_SENDEMAIL_FILE_TOTAL.
fn as_older_git(r: &Repo) -> Res<()> {
    let hooks = r.path().join(".git/hooks");
    let shim = std::fs::read_to_string(hooks.join("sendemail-validate"))?;
    let bin_dir = shim
        .lines()
        .find_map(|l| l.strip_prefix("bin_dir='"))
        .and_then(|l| l.strip_suffix('\''))
        .ok_or("no bin_dir in the shim")?;
    std::fs::write(
        hooks.join("sendemail-validate"),
        format!(
            "#!/bin/sh\nunset GIT_SENDEMAIL_FILE_COUNTER GIT_SENDEMAIL_FILE_TOTAL\nexec '{bin_dir}/bpf-policy-sendemail-validate' \"$@\"\n"
        ),
    )?;
    Ok(())
}

#[test]
fn older_git_judges_the_series_by_its_counters_not_its_order() -> TestResult {
    let r = installed()?;
    as_older_git(&r)?;
    let (script, log) = smtp(&r)?;
    let files = series(
        &r,
        "out",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    // The cover letter named last: judged once it has arrived.
    let mut cover_last = files[1..].to_vec();
    cover_last.push(files[0].clone());
    let out = send_at(&r, &script, &cover_last, T, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 4);
    // Patches in any order, the cover in the middle.
    let shuffled = vec![
        files[3].clone(),
        files[0].clone(),
        files[1].clone(),
        files[2].clone(),
    ];
    // (A day later: the same series again inside 24 hours is a repost.)
    let out = send_at(&r, &script, &shuffled, T + 30 * HOUR, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 8);
    // Still refused: a partial resend, and a series without a cover letter.
    let out = send(&r, &script, &files[2..3])?;
    refused(&out);
    assert!(
        stderr(&out).contains("series-consistency"),
        "{}",
        stderr(&out)
    );
    let bare = series(&r, "bare", &["--subject-prefix=PATCH bpf-next", "-2"])?;
    let out = send(&r, &script, &bare)?;
    refused(&out);
    assert!(
        stderr(&out).contains("series-cover-letter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 8);
    assert!(runs_left(&r.path().join(".git/bpf-policy")).is_empty());
    Ok(())
}

#[test]
fn the_run_is_send_email_itself_not_a_path_naming_it() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    // Patch files under a directory called send-email: once, every email was its own run.
    let files = series(&r, "send-email", &["--subject-prefix=PATCH bpf-next", "-2"])?;
    let out = send(&r, &script, &files)?;
    refused(&out);
    assert!(
        stderr(&out).contains("series-cover-letter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 0);

    // Run outside git send-email, as part of a series: which run is unknown, so it refuses
    // (it once shared the key "default" with every such call).
    let hook = r.path().join(".git/hooks/sendemail-validate");
    let out = r
        .cmd(&hook)
        .arg(&files[0])
        .env("GIT_SENDEMAIL_FILE_COUNTER", "1")
        .env("GIT_SENDEMAIL_FILE_TOTAL", "2")
        .output()?;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no git send-email process among the hook's parents"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn a_run_leaves_nothing_behind_and_dead_runs_are_pruned() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    let state = r.path().join(".git/bpf-policy");
    // A run killed half-way (its process is gone), and a folder someone else put there.
    let dead = state.join("sendemail/run-4000000-1");
    std::fs::create_dir_all(&dead)?;
    std::fs::write(dead.join("00000-1-2.eml"), "Subject: x\n\n")?;
    std::fs::write(dead.join("00000.src"), "/tmp/x")?;
    let foreign = state.join("sendemail/run-4000001-1");
    std::fs::create_dir_all(&foreign)?;
    std::fs::write(foreign.join("mine.txt"), "keep me")?;

    let files = series(
        &r,
        "out",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    // Refused at the last email (a placeholder-free cover, but 3 patches of 3 minus one).
    let out = send(
        &r,
        &script,
        &[files[0].clone(), files[1].clone(), files[3].clone()],
    )?;
    refused(&out);
    assert_eq!(
        runs_left(&state),
        ["run-4000001-1"],
        "the refused run is removed"
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("mine.txt"))?,
        "keep me"
    );
    // Refused at the second email (item rules): send-email stops there, the run is removed.
    let unsigned = files[2].clone();
    let text = std::fs::read_to_string(&unsigned)?.replace(SOB, "");
    std::fs::write(&unsigned, text)?;
    let out = send(&r, &script, &files)?;
    refused(&out);
    assert!(stderr(&out).contains("signoff-missing"), "{}", stderr(&out));
    assert_eq!(runs_left(&state), ["run-4000001-1"]);
    // An email that cannot be read at all (binary): exit 2, and the run's state goes too.
    std::fs::write(
        &unsigned,
        "From: A U Thor <author@example.org>\nSubject: [PATCH bpf-next 2/3] bpf: Add b\n\nNo\0diff.\n",
    )?;
    let out = send(&r, &script, &files)?;
    refused(&out);
    assert!(stderr(&out).contains("binary data"), "{}", stderr(&out));
    assert_eq!(runs_left(&state), ["run-4000001-1"]);
    assert_eq!(sent(&log)?, 0);
    let files = series(
        &r,
        "good",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    let out = send(&r, &script, &files)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(runs_left(&state), ["run-4000001-1"]);
    assert_eq!(sent(&log)?, 4);
    let mode = std::fs::metadata(&state)?.permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    Ok(())
}

#[test]
fn state_that_cannot_be_kept_refuses_with_what_to_fix() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    std::fs::write(r.path().join(".git/bpf-policy"), "in the way\n")?;
    let files = series(&r, "out", &["--subject-prefix=PATCH bpf-next", "-2"])?;
    let out = send(&r, &script, &files)?;
    refused(&out);
    let err = stderr(&out);
    assert!(
        err.contains(".git/bpf-policy is not a directory") && err.contains("move it away"),
        "{err}"
    );
    assert_eq!(sent(&log)?, 0);
    assert_eq!(
        std::fs::read_to_string(r.path().join(".git/bpf-policy"))?,
        "in the way\n"
    );
    Ok(())
}

fn run(c: &mut Command) -> Res<()> {
    let out = c.output()?;
    if !out.status.success() {
        return Err(format!("{c:?}: {}", stderr(&out)).into());
    }
    Ok(())
}

/// Turn the repository into a group-shared one whose group the second user (nobody) is in,
/// and give nobody a home of its own. Returns that home.
fn share_with_nobody(r: &Repo) -> Res<PathBuf> {
    r.git(&["config", "core.sharedRepository", "group"])?;
    let git = r.path().join(".git");
    run(Command::new("chgrp").args(["-R", NOBODY]).arg(&git))?;
    run(Command::new("chmod").args(["-R", "g+rwX"]).arg(&git))?;
    run(Command::new("find")
        .arg(&git)
        .args(["-type", "d", "-exec", "chmod", "g+s", "{}", "+"]))?;
    // The test's temporary directories are 0700; let nobody in (and run the binaries).
    for d in [r.path(), r.home.path()] {
        run(Command::new("chmod").args(["-R", "a+rX"]).arg(d))?;
    }
    let home = r.home.path().join("nobody");
    std::fs::create_dir_all(&home)?;
    std::fs::write(
        home.join(".gitconfig"),
        "[safe]\n\tdirectory = *\n[user]\n\tname = A U Thor\n\temail = author@example.org\n",
    )?;
    run(Command::new("chown").args(["-R", NOBODY]).arg(&home))?;
    Ok(home)
}

#[test]
fn a_second_user_in_a_shared_repository_is_checked_too() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    let good = series(
        &r,
        "good",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    let bare = series(&r, "bare", &["--subject-prefix=PATCH bpf-next", "-2"])?;
    let home = share_with_nobody(&r)?;
    // The repository's owner sends first and so owns .git/bpf-policy.
    let out = send(&r, &script, &good)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 4);
    // The second user's series without a cover letter is refused, not waved through.
    let out = send_cmd(&r, &script, &bare, Some(&home)).output()?;
    refused(&out);
    assert!(
        stderr(&out).contains("series-cover-letter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 4);
    let out = send_cmd(&r, &script, &good, Some(&home)).output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 8);
    // Each keeps their own, private.
    let mine = std::fs::metadata(r.path().join(".git/bpf-policy"))?;
    let theirs = std::fs::metadata(r.path().join(format!(".git/bpf-policy-{NOBODY}")))?;
    assert_eq!(mine.permissions().mode() & 0o777, 0o700);
    assert_eq!(theirs.permissions().mode() & 0o777, 0o700);
    Ok(())
}

/// A directory of the victim's with an entry old enough for "stale state" pruning.
fn victim_dir(r: &Repo) -> Res<PathBuf> {
    let victim = r.home.path().join("victim");
    std::fs::create_dir_all(victim.join("project"))?;
    std::fs::write(victim.join("project/work.c"), "precious\n")?;
    run(Command::new("touch")
        .args(["-h", "-d", "3 days ago"])
        .arg(victim.join("project")))?;
    Ok(victim)
}

fn as_nobody(r: &Repo, home: &Path, script: &str) -> Res<()> {
    run(r
        .cmd("setpriv")
        .args([
            &format!("--reuid={NOBODY}"),
            &format!("--regid={NOBODY}"),
            "--clear-groups",
            "sh",
            "-c",
            script,
        ])
        .env("HOME", home))
}

/// The send was refused for `why`, the victim's file is as it was and nothing went out.
fn refused_untouched(out: &Output, why: &str, victim: &Path, log: &Path) -> TestResult {
    refused(out);
    assert!(stderr(out).contains(why), "{}", stderr(out));
    assert_eq!(
        std::fs::read_to_string(victim.join("project/work.c"))?,
        "precious\n"
    );
    assert_eq!(sent(log)?, 0);
    Ok(())
}

#[test]
fn a_symlink_planted_by_another_user_is_never_followed() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    let good = series(
        &r,
        "good",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    let home = share_with_nobody(&r)?;
    let victim = victim_dir(&r)?;
    let v = victim.display();

    // The co-worker makes .git/bpf-policy before the victim ever sent, with a link inside.
    as_nobody(
        &r,
        &home,
        &format!("mkdir -m 777 .git/bpf-policy && ln -s '{v}' .git/bpf-policy/sendemail"),
    )?;
    refused_untouched(
        &send(&r, &script, &good)?,
        "belongs to uid 65534",
        &victim,
        &log,
    )?;

    // The victim's own directory, left open to the group (umask 002): a link planted inside.
    std::fs::remove_dir_all(r.path().join(".git/bpf-policy"))?;
    std::fs::create_dir(r.path().join(".git/bpf-policy"))?;
    std::fs::set_permissions(
        r.path().join(".git/bpf-policy"),
        PermissionsExt::from_mode(0o777),
    )?;
    as_nobody(&r, &home, &format!("ln -s '{v}' .git/bpf-policy/sendemail"))?;
    refused_untouched(
        &send(&r, &script, &good)?,
        "is a symbolic link",
        &victim,
        &log,
    )?;
    Ok(())
}

/// The clock the tests send at: an hour after the commits were made.
const T: i64 = 1_727_776_800 + 3600;
const HOUR: i64 = 3600;

fn send_at(r: &Repo, script: &Path, files: &[PathBuf], now: i64, extra: &[&str]) -> Res<Output> {
    let mut c = send_cmd(r, script, &[], None);
    c.args(extra)
        .args(files)
        .env("BPF_POLICY_NOW", now.to_string());
    Ok(c.output()?)
}

fn bpf_policy(r: &Repo, args: &[&str]) -> Res<Output> {
    let bin = release_target_dir()?.join("release/bpf-policy");
    Ok(r.cmd(bin).args(args).output()?)
}

#[test]
fn a_repost_within_a_day_is_refused_and_goes_after_it() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    let files = series(
        &r,
        "v1",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    let out = send_at(&r, &script, &files, T, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 4);
    let sent_log = r.path().join(".git/bpf-policy/sent.log");
    let before = std::fs::read(&sent_log)?;
    assert_eq!(
        std::fs::metadata(&sent_log)?.permissions().mode() & 0o777,
        0o600
    );

    // The same series again, four hours on (even reworded as v2): refused, log unchanged.
    let v2 = series(
        &r,
        "v2",
        &[
            "--subject-prefix=PATCH bpf-next",
            "-v2",
            "--cover-letter",
            "-3",
        ],
    )?;
    let out = send_at(&r, &script, &v2, T + 4 * HOUR, &[])?;
    refused(&out);
    assert!(
        stderr(&out).contains("error[repost-too-soon]") && stderr(&out).contains("4 hours"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 4);
    assert_eq!(
        std::fs::read(&sent_log)?,
        before,
        "a refused send leaves the log alone"
    );

    // 25 hours later it goes.
    let out = send_at(&r, &script, &v2, T + 25 * HOUR, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 8);

    // The log lists both; --forget drops one; another repository keeps its own.
    let out = bpf_policy(&r, &["sent"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = stdout(&out);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.contains("bpf: Add a and b") && listed.contains("v2"),
        "{listed}"
    );
    let out = bpf_policy(&r, &["sent", "--forget", "2"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&sent_log)?, before);
    let other = installed()?;
    let out = bpf_policy(&other, &["sent"])?;
    assert!(
        out.status.success() && stdout(&out).is_empty(),
        "{}",
        stdout(&out)
    );
    let again = series(
        &other,
        "v1",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    let out = send_at(&other, &script, &again, T + 26 * HOUR, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(())
}

#[test]
fn version_skips_and_new_versions_in_old_threads_warn() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    let v1 = series(
        &r,
        "v1",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-3"],
    )?;
    let out = send_at(&r, &script, &v1, T, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let changelog = |files: &[PathBuf]| -> Res<()> {
        let text = std::fs::read_to_string(&files[0])?.replace(
            "This series adds",
            "Changes in v3: none.\n\nThis series adds",
        );
        std::fs::write(&files[0], text)?;
        Ok(())
    };
    // v3 after v1: a warning, and it goes.
    let v3 = series(
        &r,
        "v3",
        &[
            "--subject-prefix=PATCH bpf-next",
            "-v3",
            "--cover-letter",
            "-3",
        ],
    )?;
    changelog(&v3)?;
    let out = send_at(&r, &script, &v3, T + 48 * HOUR, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning[version-sequence]")
            && stderr(&out).contains("v2 is missing"),
        "{}",
        stderr(&out)
    );
    // v4 sent as a reply to v3's cover letter: a warning.
    let v4 = series(
        &r,
        "v4",
        &[
            "--subject-prefix=PATCH bpf-next",
            "-v4",
            "--cover-letter",
            "-3",
        ],
    )?;
    changelog(&v4)?;
    let out = send_at(
        &r,
        &script,
        &v4,
        T + 96 * HOUR,
        &["--in-reply-to=<v3-cover@example.org>"],
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning[new-version-thread]"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("version-sequence"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 12);
    Ok(())
}

#[test]
fn a_series_that_does_not_apply_to_the_tree_is_refused_until_rebased() -> TestResult {
    let r = Repo::new()?;
    let out = install(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: String = (1..=10).map(|n| format!("line {n}\n")).collect();
    let base = r.commit(
        "kernel/bpf/syscall.c",
        &lines,
        &format!("bpf: Add map refcounting\n\nAdd it.\n\n{SOB}"),
    )?;
    // Upstream changes line 2, three lines from our change to line 5.
    bare_remote(&r, "bpf-next", "bpf-next.git")?;
    r.git(&["checkout", "-q", "-b", "up", &base])?;
    r.commit(
        "kernel/bpf/syscall.c",
        &lines.replace("line 2\n", "line two\n"),
        &format!("bpf: Rename line 2\n\n{WHY}\n\n{SOB}"),
    )?;
    r.git(&["push", "-q", "--no-verify", "bpf-next", "up:master"])?;
    r.git(&["fetch", "-q", "bpf-next"])?;
    r.git(&["checkout", "-q", "master"])?;
    r.commit(
        "kernel/bpf/syscall.c",
        &lines.replace("line 5\n", "line five\n"),
        &format!("bpf: Rename line 5\n\n{WHY}\n\n{SOB}"),
    )?;
    r.commit(
        "tools/testing/selftests/bpf/a.c",
        "x\n",
        &format!("selftests/bpf: Test line 5\n\n{WHY}\n\n{SOB}"),
    )?;
    let (script, log) = smtp(&r)?;
    let files = series(
        &r,
        "old",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-2"],
    )?;
    let user_index = std::fs::read(r.path().join(".git/index"))?;
    let out = send_at(&r, &script, &files, T, &[])?;
    refused(&out);
    let err = stderr(&out);
    assert!(
        err.contains("error[applies-to-tree]")
            && err.contains("0001-bpf-Rename-line-5.patch")
            && err.contains("kernel/bpf/syscall.c")
            && err.contains("git rebase bpf-next/master"),
        "{err}"
    );
    assert_eq!(sent(&log)?, 0);
    assert_eq!(std::fs::read(r.path().join(".git/index"))?, user_index);
    assert_eq!(
        r.git(&["status", "--porcelain", "--untracked-files=no"])?,
        ""
    );

    r.git(&["rebase", "-q", "bpf-next/master"])?;
    let files = series(
        &r,
        "new",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-2"],
    )?;
    let out = send_at(&r, &script, &files, T, &[])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 3);

    // With the tree's ref a month old, it is not checked, and says so.
    let files = series(
        &r,
        "stale",
        &[
            "--subject-prefix=PATCH bpf-next",
            "-v2",
            "--cover-letter",
            "-2",
        ],
    )?;
    let out = send_at(&r, &script, &files, T + 30 * 24 * HOUR, &[])?;
    assert!(
        stderr(&out).contains("note[applies-to-tree]") && stderr(&out).contains("fetch it"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn two_sends_at_once_in_one_repository_keep_apart() -> TestResult {
    let r = installed()?;
    let (script, log) = smtp(&r)?;
    // A hook that lingers, so the two runs overlap.
    let hooks = r.path().join(".git/hooks");
    let shim = std::fs::read_to_string(hooks.join("sendemail-validate"))?;
    std::fs::write(
        hooks.join("sendemail-validate"),
        shim.replacen("\nbin_dir=", "\nsleep 0.2\nbin_dir=", 1),
    )?;
    let one = series(
        &r,
        "one",
        &[
            "--subject-prefix=PATCH bpf-next",
            "--cover-letter",
            "-2",
            "HEAD~1",
        ],
    )?;
    // Another series (the selftest alone: no patch in common), at the same time.
    let two = series(
        &r,
        "two",
        &["--subject-prefix=PATCH bpf-next", "--cover-letter", "-1"],
    )?;
    let cover =
        std::fs::read_to_string(&two[0])?.replace("bpf: Add a and b", "selftests/bpf: More tests");
    std::fs::write(&two[0], cover)?;
    let start = |files: &[PathBuf]| {
        send_cmd(&r, &script, files, None)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
    };
    let (a, b) = (start(&one)?, start(&two)?);
    let (a, b) = (a.wait_with_output()?, b.wait_with_output()?);
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(sent(&log)?, 5);
    assert!(runs_left(&r.path().join(".git/bpf-policy")).is_empty());
    Ok(())
}
