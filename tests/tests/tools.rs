//! End to end with the tools kernel developers already use: the real b4 and pre-commit (from
//! PyPI, installed by .ci/run) in temporary repositories, offline, with bpf-policy installed by
//! install.sh; and the CI workflow of docs/ run as GitHub would run its step.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;

use bpf_policy_e2e::{
    Repo, Res, SOB, TestResult, WHY, bare_remote, base_commit, blocked_by, executable,
    install_checked, remote_ref, rules_in, stage, stderr, stdout, tools_path, workspace_root,
};

/// The b4 setting README.md tells users to type; the tests use it as written.
const B4_CHECK_CMD: &str = "bpf-policy check --format checkpatch -";

/// A repository with bpf-policy installed by install.sh for `hooks` (binaries and the
/// `bpf-policy` link under the test's HOME), and master holding one commit made without
/// hooks, as history already upstream.
fn installed(hooks: &str) -> Res<Repo> {
    let r = Repo::new()?;
    install_checked(&r, &["--no-build", "--hooks", hooks])?;
    base_commit(&r)?;
    Ok(r)
}

/// Run a program in the repository as a user would: install.sh's link directory first on
/// PATH, and b4's and pre-commit's caches inside the test's HOME.
fn run(r: &Repo, program: &str, args: &[&str]) -> Res<Output> {
    let home = r.home.path();
    let mut path = OsString::from(home.join(".local/bin"));
    path.push(":");
    path.push(tools_path()?);
    let out = r
        .cmd(program)
        .args(args)
        .env("PATH", path)
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("PRE_COMMIT_HOME", home.join(".cache/pre-commit"))
        .env("GIT_EDITOR", home.join("editor.sh"))
        // b4 looks for its cover commit among the last year's commits only: the hermetic fixed
        // date would hide it.
        .env_remove("GIT_AUTHOR_DATE")
        .env_remove("GIT_COMMITTER_DATE")
        .output();
    match out {
        Ok(o) => Ok(o),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "{program} is not installed; .ci/run installs it (pip install b4 pre-commit)"
        )
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// Run it and require success; returns stdout and stderr together (b4 logs on stderr).
fn ok(r: &Repo, program: &str, args: &[&str]) -> Res<String> {
    let out = run(r, program, args)?;
    let text = format!("{}{}", stdout(&out), stderr(&out));
    if !out.status.success() {
        return Err(format!("{program} {args:?} failed ({}): {text}", out.status).into());
    }
    Ok(text)
}

/// `git commit` of a change to `file`, through the hooks unless `hooks` is false.
fn commit(r: &Repo, file: &str, msg: &str, hooks: bool) -> Res<Output> {
    stage(r, file)?;
    let mut args = vec!["commit", "-q", "-m", msg];
    if !hooks {
        args.push("--no-verify");
    }
    run(r, "git", &args)
}

/// An editor for `b4 prep --edit-cover` that writes `cover` over what b4 offers.
fn cover_editor(r: &Repo, cover: &str) -> Res<()> {
    let text = r.home.path().join("cover.txt");
    std::fs::write(&text, cover)?;
    executable(
        &r.home.path().join("editor.sh"),
        &format!("#!/bin/sh\ncat '{}' > \"$1\"\n", text.display()),
    )
}

fn readme() -> Res<String> {
    Ok(std::fs::read_to_string(workspace_root().join("README.md"))?)
}

/// A bare repository added as remote `name`.
fn remote(r: &Repo, name: &str, dir: &str) -> Res<PathBuf> {
    let bare = bare_remote(r, name, dir)?;
    // Pushes there are submissions (a local path names no tree).
    r.git(&["config", "--add", "bpf-policy.pushRemote", name])?;
    Ok(bare)
}

#[test]
fn b4_prep_check_runs_the_rules_on_each_patch() -> TestResult {
    let r = installed("commit-msg,pre-push,sendemail-validate")?;
    // b4 records its cover letter with `git commit`: the commit-msg hook sees EDITME and
    // must let it through.
    ok(&r, "b4", &["prep", "-n", "topic"])?;
    assert!(r.git(&["log", "-1", "--format=%s"])?.starts_with("EDITME"));
    ok(&r, "b4", &["prep", "--set-prefixes", "bpf-next"])?;
    assert!(readme()?.contains(&format!(
        "git config b4.prep-perpatch-check-cmd '{B4_CHECK_CMD}'"
    )));
    r.git(&["config", "b4.prep-perpatch-check-cmd", B4_CHECK_CMD])?;

    let good = commit(
        &r,
        "kernel/bpf/a.c",
        &format!("bpf: Add a\n\n{WHY}\n\n{SOB}"),
        true,
    )?;
    assert!(good.status.success(), "{}", stderr(&good));
    // A warning (bpf-next takes fixes without Fixes: as advice), and an error committed past
    // the hook with --no-verify.
    let warned = commit(
        &r,
        "kernel/bpf/b.c",
        &format!("bpf: Fix a leak in b\n\n{WHY}\n\n{SOB}"),
        true,
    )?;
    assert!(warned.status.success(), "{}", stderr(&warned));
    commit(
        &r,
        "kernel/bpf/c.c",
        &format!("bpf: Change c\n\n{SOB}"),
        false,
    )?;

    let text = ok(&r, "b4", &["prep", "--check"])?;
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .map(str::to_owned)
            .ok_or_else(|| format!("no line with {needle:?} in:\n{text}"))
    };
    // b4 strips checkpatch's "-:" and prefixes the command's name; an ERROR: line fails the
    // patch, any other line warns, silence passes.
    assert!(line("ERROR:MESSAGE_EMPTY:")?.contains("bpf-policy: 3: ERROR:MESSAGE_EMPTY: "));
    assert!(line("WARNING:FIXES_ADVISED:")?.contains("bpf-policy: "));
    assert!(text.contains("Success: 1, Warning: 1, Error: 1"), "{text}");
    assert!(!text.contains("<stdin>") && !text.contains("-:"), "{text}");

    // Notices are checkpatch warnings on stdout: b4 would fail every patch for a line on
    // stderr.
    r.git(&["config", "bpf-policy.no-such-setting", "1"])?;
    let text = ok(&r, "b4", &["prep", "--check", "--no-cache"])?;
    assert!(text.contains("WARNING:BPF_POLICY: "), "{text}");
    assert!(text.contains(", Error: 1"), "{text}");
    r.git(&["config", "--unset", "bpf-policy.no-such-setting"])?;

    // The tree comes from b4's prefixes, and the range (as README.md writes it) holds b4's
    // cover commit, checked as the cover letter it is.
    assert!(
        readme()?.contains("bpf-policy check --range \"$(b4 prep --show-info base-commit)..HEAD\"")
    );
    let base = ok(&r, "b4", &["prep", "--show-info", "base-commit"])?;
    let range = format!("{}..HEAD", base.trim());
    let out = run(
        &r,
        "bpf-policy",
        &["check", "--verbose", "--format", "json", "--range", &range],
    )?;
    assert!(
        stderr(&out).contains("target tree bpf-next (from b4 tracking data of the branch)"),
        "{}",
        stderr(&out)
    );
    let rules = rules_in(&stdout(&out));
    assert!(
        rules.contains(&"cover-letter-placeholder".to_owned()),
        "{rules:?}"
    );
    assert!(rules.contains(&"message-empty".to_owned()), "{rules:?}");
    assert_eq!(out.status.code(), Some(1));
    Ok(())
}

#[test]
fn b4_cover_commit_is_never_a_patch_for_the_hooks() -> TestResult {
    let r = installed("commit-msg,pre-push,sendemail-validate")?;
    let base = r.git(&["rev-parse", "HEAD"])?;
    let bare = remote(&r, "origin", "remote.git")?;
    ok(&r, "git", &["push", "-q", "origin", "master"])?;
    ok(&r, "b4", &["prep", "-n", "leak"])?;
    ok(&r, "b4", &["prep", "--set-prefixes", "bpf"])?;

    // bpf takes fixes only, and b4's prefixes say bpf: the commit-msg hook wants Fixes:.
    let out = commit(
        &r,
        "kernel/bpf/syscall.c",
        &format!("bpf: Fix a double free\n\n{WHY}\n\n{SOB}"),
        true,
    )?;
    blocked_by(&out, "fixes-required");
    r.git(&["reset", "-q"])?;
    let fixes = format!("Fixes: {} (\"bpf: Add map refcounting\")", &base[..12]);
    let out = commit(
        &r,
        "kernel/bpf/syscall.c",
        &format!("bpf: Fix a double free\n\n{WHY}\n\n{fixes}\n{SOB}"),
        true,
    )?;
    assert!(out.status.success(), "{}", stderr(&out));

    // The push carries the cover commit, EDITME and all: pre-push leaves it to the sending.
    let out = run(&r, "git", &["push", "-q", "origin", "b4/leak"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let pushed = r.git(&["rev-parse", "HEAD"])?.trim().to_owned();
    assert_eq!(
        remote_ref(&r, &bare, "refs/heads/b4/leak")?,
        Some(pushed.clone())
    );

    // A bad patch on top is still blocked, and only the patch is reported.
    commit(&r, "kernel/bpf/syscall.c", "bpf: Fix it again", false)?;
    let out = run(&r, "git", &["push", "origin", "b4/leak"])?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error[signoff-missing]"), "{err}");
    assert!(
        !err.contains("EDITME") && !err.contains("cover-letter"),
        "{err}"
    );
    assert_eq!(remote_ref(&r, &bare, "refs/heads/b4/leak")?, Some(pushed));
    Ok(())
}

#[test]
fn b4_send_output_is_checked_as_send_email_would_be() -> TestResult {
    let r = installed("commit-msg,pre-push,sendemail-validate")?;
    ok(&r, "b4", &["prep", "-n", "two"])?;
    ok(&r, "b4", &["prep", "--set-prefixes", "bpf-next"])?;
    for (file, subject) in [
        ("kernel/bpf/a.c", "bpf: Add a"),
        ("tools/testing/selftests/bpf/a.c", "selftests/bpf: Test a"),
    ] {
        let out = commit(&r, file, &format!("{subject}\n\n{WHY}\n\n{SOB}"), true)?;
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let dir = |n: &str| r.home.path().join(n).to_string_lossy().into_owned();

    // As b4 prep left it: EDITME in the cover letter, and no list to send to.
    ok(&r, "b4", &["send", "-o", &dir("draft"), "--no-sign"])?;
    let out = run(
        &r,
        "bpf-policy",
        &["check", "--format", "json", &dir("draft")],
    )?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rules = rules_in(&stdout(&out));
    assert!(
        rules.contains(&"cover-letter-placeholder".to_owned()),
        "{rules:?}"
    );
    assert!(rules.contains(&"recipient-list".to_owned()), "{rules:?}");

    cover_editor(
        &r,
        &format!(
            "bpf: Add a, with a test\n\nThis series adds a, which the verifier needs to track \
             the map,\nand a selftest for it.\n\n{SOB}\n"
        ),
    )?;
    ok(&r, "b4", &["prep", "--edit-cover"])?;
    ok(
        &r,
        "b4",
        &[
            "send",
            "-o",
            &dir("ready"),
            "--no-sign",
            "--to",
            "bpf@vger.kernel.org",
        ],
    )?;
    let out = run(&r, "bpf-policy", &["check", &dir("ready")])?;
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
    // b4 prep --check sees the same patches, one at a time; set up this time with the
    // .b4-config README.md shows.
    let readme = readme()?;
    let b4_config = readme
        .split("```ini\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .ok_or("README.md shows no .b4-config")?;
    assert!(b4_config.contains(B4_CHECK_CMD), "{b4_config}");
    std::fs::write(r.path().join(".b4-config"), b4_config)?;
    let text = ok(&r, "b4", &["prep", "--check"])?;
    assert!(text.contains(B4_CHECK_CMD), "{text}");
    assert!(text.contains("Success: 2, Warning: 0, Error: 0"), "{text}");
    Ok(())
}

/// A repository holding the workspace's .pre-commit-hooks.yaml, as pre-commit would clone
/// it; its commit id is the `rev:` to use.
fn hook_repository(home: &Path) -> Res<(PathBuf, String)> {
    let r = Repo::new()?;
    std::fs::copy(
        workspace_root().join(".pre-commit-hooks.yaml"),
        r.path().join(".pre-commit-hooks.yaml"),
    )?;
    r.git(&["add", ".pre-commit-hooks.yaml"])?;
    r.git(&["commit", "-q", "-m", "hooks"])?;
    let rev = r.git(&["rev-parse", "HEAD"])?.trim().to_owned();
    // Repo's temporary directories go away with it; pre-commit needs the clone to outlive it.
    let keep = home.join("bpf-policy-hooks");
    let out = r
        .cmd("git")
        .args(["clone", "-q", "--bare"])
        .arg(r.path())
        .arg(&keep)
        .output()?;
    if !out.status.success() {
        return Err(stderr(&out).into());
    }
    Ok((keep, rev))
}

/// The `.pre-commit-config.yaml` README.md shows, pointed at a local clone.
fn pre_commit_config(repo: &Path, rev: &str) -> Res<String> {
    let readme = readme()?;
    let block = readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("id: bpf-policy-commit-msg"))
        .ok_or("README.md shows no .pre-commit-config.yaml")?;
    let value = |key: &str| {
        block
            .lines()
            .find_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .ok_or_else(|| format!("no {key} line in {block}"))
    };
    let (url, old_rev) = (value("repo: ")?, value("rev: ")?);
    Ok(block
        .replace(url, &format!("file://{}", repo.display()))
        .replace(old_rev, rev))
}

#[test]
fn pre_commit_runs_the_manifest_hooks_offline() -> TestResult {
    // pre-commit owns the hooks; install.sh only installs the programs.
    let r = installed("")?;
    let (hooks, rev) = hook_repository(r.home.path())?;
    let manifest = workspace_root().join(".pre-commit-hooks.yaml");
    ok(
        &r,
        "pre-commit",
        &["validate-manifest", &manifest.to_string_lossy()],
    )?;
    std::fs::write(
        r.path().join(".pre-commit-config.yaml"),
        pre_commit_config(&hooks, &rev)?,
    )?;
    ok(
        &r,
        "pre-commit",
        &[
            "install",
            "--hook-type",
            "commit-msg",
            "--hook-type",
            "pre-push",
        ],
    )?;
    r.git(&["add", ".pre-commit-config.yaml"])?;

    let out = commit(
        &r,
        "kernel/bpf/a.c",
        &format!("bpf: Add a\n\n{WHY}\n\n{SOB}"),
        true,
    )?;
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let head = r.git(&["rev-parse", "HEAD"])?;
    let out = commit(&r, "kernel/bpf/a.c", "bpf: Change a", true)?;
    assert_eq!(out.status.code(), Some(1));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        said.contains("bpf-policy (commit message)") && said.contains("error[signoff-missing]"),
        "{said}"
    );
    assert_eq!(
        r.git(&["rev-parse", "HEAD"])?,
        head,
        "nothing was committed"
    );
    r.git(&["reset", "-q"])?;

    // The first push of a branch (pre-commit passes no refs for a root commit), an update,
    // then a bad commit that must not arrive, on the branch or as a new one.
    let bare = remote(&r, "origin", "remote.git")?;
    let out = run(&r, "git", &["push", "-q", "origin", "master"])?;
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let out = commit(
        &r,
        "kernel/bpf/b.c",
        &format!("bpf: Add b\n\n{WHY}\n\n{SOB}"),
        true,
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&r, "git", &["push", "-q", "origin", "master"])?;
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let good = r.git(&["rev-parse", "HEAD"])?.trim().to_owned();
    commit(&r, "kernel/bpf/b.c", "bpf: Change b", false)?;
    for target in ["master", "HEAD:refs/heads/topic"] {
        let out = run(&r, "git", &["push", "origin", target])?;
        assert_eq!(out.status.code(), Some(1), "{target}");
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            said.contains("bpf-policy (commits being pushed)")
                && said.contains("error[signoff-missing]"),
            "{target}: {said}"
        );
    }
    assert_eq!(remote_ref(&r, &bare, "refs/heads/master")?, Some(good));
    assert_eq!(remote_ref(&r, &bare, "refs/heads/topic")?, None);
    // The same check by hand, between two revisions.
    let out = run(
        &r,
        "pre-commit",
        &[
            "run",
            "--hook-stage",
            "pre-push",
            "--from-ref",
            "origin/master",
            "--to-ref",
            "HEAD",
        ],
    )?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error[signoff-missing]"),
        "{}",
        stdout(&out)
    );

    // The remote's URL reaches the hook: bpf.git takes fixes only.
    r.git(&["reset", "-q", "--hard", "HEAD~1"])?;
    let out = commit(
        &r,
        "kernel/bpf/c.c",
        &format!("bpf: Add c\n\n{WHY}\n\n{SOB}"),
        true,
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    remote(&r, "bpf", "bpf.git")?;
    let out = run(&r, "git", &["push", "bpf", "master"])?;
    assert_eq!(out.status.code(), Some(1));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("error[fixes-required]"), "{said}");
    Ok(())
}

/// The `run:` script of one step of docs/github-actions.yml (read with the YAML parser that
/// comes with pre-commit).
fn workflow_step(name: &str) -> Res<String> {
    // The python that has pre-commit (and so PyYAML) comes first on this PATH.
    let out = std::process::Command::new("python3")
        .env("PATH", tools_path()?)
        .args([
            "-c",
            "import sys, yaml\n\
             doc = yaml.safe_load(open(sys.argv[1]))\n\
             steps = [s for j in doc['jobs'].values() for s in j['steps']]\n\
             print(next(s['run'] for s in steps if s.get('name') == sys.argv[2]))",
        ])
        .arg(workspace_root().join("docs/github-actions.yml"))
        .arg(name)
        .output()?;
    if !out.status.success() {
        return Err(format!("reading the workflow: {}", stderr(&out)).into());
    }
    Ok(stdout(&out))
}

#[test]
fn ci_workflow_step_annotates_and_keeps_the_exit_status() -> TestResult {
    let r = installed("")?;
    let script = r.home.path().join("step.sh");
    let text = workflow_step("Check the commits of the pull request")?;
    let readme = readme()?;
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        assert!(readme.contains(line), "README.md's CI step lacks {line:?}");
    }
    std::fs::write(&script, text)?;
    remote(&r, "origin", "remote.git")?;
    r.git(&["push", "-q", "origin", "master"])?;
    r.git(&["fetch", "-q", "origin"])?;
    let step = |r: &Repo| -> Res<Output> {
        // As GitHub runs a `run:` step on Linux.
        let mut c = r.cmd("bash");
        c.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .env("BASE_REF", "master")
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    r.home.path().join(".local/bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            );
        Ok(c.output()?)
    };

    r.commit(
        "kernel/bpf/a.c",
        "a\n",
        &format!("bpf: Add a\n\n{WHY}\n\n{SOB}"),
    )?;
    let out = step(&r)?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");

    r.commit("kernel/bpf/a.c", "b\n", "bpf: Fix a")?;
    let out = step(&r)?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error title=bpf-policy signoff-missing::")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("::warning title=bpf-policy fixes-advised::")),
        "{text}"
    );
    let jsonl = std::fs::read_to_string(r.path().join("bpf-policy.jsonl"))?;
    assert!(
        rules_in(&jsonl).contains(&"message-empty".to_owned()),
        "{jsonl}"
    );

    // A base branch that does not exist is unusable input, not a pass.
    let out = r
        .cmd("bpf-policy")
        .env("PATH", r.home.path().join(".local/bin"))
        .args(["check", "--range", "origin/nope..HEAD", "--format", "json"])
        .output()?;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!stderr(&out).is_empty());
    Ok(())
}

#[test]
fn check_exit_status_is_0_1_or_2() -> TestResult {
    let r = installed("")?;
    let bin = r.home.path().join(".local/bin/bpf-policy");
    let code = |args: &[&str], dir: &Path| -> Res<Option<i32>> {
        Ok(r.cmd(&bin)
            .current_dir(dir)
            .args(args)
            .output()?
            .status
            .code())
    };
    let range = ["check", "--range", "HEAD~1..HEAD", "--format", "json"];
    r.commit(
        "kernel/bpf/a.c",
        "a\n",
        &format!("bpf: Add a\n\n{WHY}\n\n{SOB}"),
    )?;
    assert_eq!(code(&range, r.path())?, Some(0), "no errors");
    r.commit(
        "kernel/bpf/a.c",
        "b\n",
        &format!("bpf: Fix a\n\n{WHY}\n\n{SOB}"),
    )?;
    assert_eq!(code(&range, r.path())?, Some(0), "a warning does not fail");
    r.commit("kernel/bpf/a.c", "c\n", "bpf: Change a")?;
    assert_eq!(code(&range, r.path())?, Some(1), "an error");
    assert_eq!(code(&range, r.home.path())?, Some(2), "no repository");
    assert_eq!(
        code(&["check", "--frobnicate"], r.path())?,
        Some(2),
        "bad arguments"
    );
    Ok(())
}
