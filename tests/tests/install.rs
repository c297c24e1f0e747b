//! install.sh end to end: real runs in temporary repositories with a private HOME, then real
//! git commits and pushes through the hooks it installed, and through the hook managers
//! (husky, pre-commit, lefthook) whose hooks it chains.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bpf_policy_e2e::{
    Repo, Res, SOB, TestResult, WHY, bare_remote, base_commit, commit_hooked, executable, hermetic,
    install, install_cmd, lefthook_in, node_modules, release_target_dir, stderr, stdout,
    tools_path, workspace_root,
};

/// Everything a run printed.
fn said(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

/// install.sh, which must succeed; returns what it printed.
fn install_ok(repo: &Repo, args: &[&str]) -> Res<String> {
    let out = install(repo, args)?;
    if !out.status.success() {
        return Err(format!("install.sh {args:?} failed: {}", said(&out)).into());
    }
    Ok(said(&out))
}

fn good(subject: &str) -> String {
    format!("bpf: {subject}\n\n{WHY}\n\n{SOB}")
}

/// A bare repository as `origin`.
fn with_remote(r: &Repo) -> Res<PathBuf> {
    bare_remote(r, "origin", "remote.git")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

fn mode(p: &Path) -> Res<u32> {
    Ok(std::fs::metadata(p)?.permissions().mode() & 0o7777)
}

/// bpf-policy's own checks still run behind a chained hook: a message without a sign-off is
/// refused with its rule id.
fn bpf_policy_still_blocks(r: &Repo) -> TestResult {
    let head = r.git(&["rev-parse", "HEAD"])?;
    let out = commit_hooked(r, "kernel/bpf/z.c", &format!("bpf: Change z\n\n{WHY}"))?;
    assert!(!out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("signoff-missing"), "{}", said(&out));
    // install.sh's marker is a known setting, not one to warn about.
    assert!(!said(&out).contains("unknown setting"), "{}", said(&out));
    assert_eq!(r.git(&["rev-parse", "HEAD"])?, head);
    r.git(&["reset", "-q"])?;
    Ok(())
}

#[test]
fn chained_husky_hooks_run_under_the_name_git_gives_them() -> TestResult {
    let modules = node_modules()?;
    let r = Repo::new()?;
    base_commit(&r)?;
    // husky 9 as `npx husky` sets it up: core.hooksPath=.husky/_, where each hook is
    // `. "$(dirname "$0")/h"`, and `h` runs .husky/$(basename "$0"), the user's script.
    let out = r.cmd("node").arg(modules.join("husky/bin.js")).output()?;
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(r.git(&["config", "core.hooksPath"])?.trim(), ".husky/_");
    let log = r.home.path().join("husky.log");
    let logq = log.to_string_lossy();
    executable(
        &r.path().join(".husky/commit-msg"),
        &format!("echo \"commit-msg $(head -n 1 \"$1\")\" >> '{logq}'\n! grep -q WIP \"$1\"\n"),
    )?;
    executable(
        &r.path().join(".husky/pre-push"),
        &format!("while read -r l _ r _; do echo \"pre-push $1 $l $r\" >> '{logq}'; done\n"),
    )?;
    let dispatcher = std::fs::read(r.path().join(".husky/_/commit-msg"))?;

    let out = install_ok(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert!(out.contains("core.hooksPath is relative"), "{out}");
    let out = commit_hooked(&r, "kernel/bpf/a.c", &good("Add a"))?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        read(&log).contains("commit-msg bpf: Add a"),
        "{}",
        read(&log)
    );
    // The user's husky hook still blocks; so do bpf-policy's checks.
    let out = commit_hooked(&r, "kernel/bpf/a.c", &good("Add WIP a"))?;
    assert!(!out.status.success());
    assert!(
        said(&out).contains("husky - commit-msg script failed"),
        "{}",
        said(&out)
    );
    r.git(&["reset", "-q"])?;
    bpf_policy_still_blocks(&r)?;

    with_remote(&r)?;
    let out = r
        .cmd("git")
        .args(["push", "-q", "origin", "master"])
        .output()?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        read(&log).contains("pre-push origin refs/heads/master refs/heads/master"),
        "{}",
        read(&log)
    );

    // husky writes its hooks anew on every `npm install` (its prepare script): installing
    // again puts ours back, and the user's script still runs, once.
    let out = r.cmd("node").arg(modules.join("husky/bin.js")).output()?;
    assert!(out.status.success(), "{}", said(&out));
    install_ok(&r, &["--no-build"])?;
    std::fs::write(&log, "")?;
    let out = commit_hooked(&r, "kernel/bpf/a.c", &good("Add c"))?;
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(read(&log), "commit-msg bpf: Add c\n");
    bpf_policy_still_blocks(&r)?;

    install_ok(&r, &["--uninstall"])?;
    assert_eq!(
        std::fs::read(r.path().join(".husky/_/commit-msg"))?,
        dispatcher
    );
    Ok(())
}

/// A program run the way `run` in tools.rs does: pre-commit from PATH (or the virtualenv
/// under target/e2e), its cache in the test's HOME.
fn tool(r: &Repo, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Res<Output> {
    let home = r.home.path();
    let mut path = OsString::from(home.join(".local/bin"));
    path.push(":");
    path.push(tools_path()?);
    Ok(r.cmd(program)
        .args(args)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home.join(".cache/pre-commit"))
        .output()?)
}

#[test]
fn chained_pre_commit_hooks_still_run() -> TestResult {
    let r = Repo::new()?;
    base_commit(&r)?;
    let log = r.home.path().join("pre-commit.log");
    let script = r.home.path().join("mine.sh");
    executable(
        &script,
        &format!(
            "#!/bin/sh\necho \"mine ${{PRE_COMMIT_REMOTE_NAME:-commit-msg}} $*\" >> '{}'\n",
            log.display()
        ),
    )?;
    std::fs::write(
        r.path().join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: mine\n        name: mine\n        \
             entry: {}\n        language: system\n        always_run: true\n        \
             stages: [commit-msg, pre-push]\ndefault_install_hook_types: [commit-msg, pre-push]\n",
            script.display()
        ),
    )?;
    r.git(&["add", ".pre-commit-config.yaml"])?;
    let out = tool(&r, "pre-commit", &["install"])?;
    assert!(out.status.success(), "{}", said(&out));

    install_ok(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert!(
        r.path()
            .join(".git/hooks/commit-msg.bpf-policy-chained")
            .is_file()
    );
    let out = tool(&r, "git", &["commit", "-q", "-m", &good("Add a")])?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        read(&log).contains("mine commit-msg .git/COMMIT_EDITMSG"),
        "{}",
        read(&log)
    );
    std::fs::write(r.path().join("b.c"), "b\n")?;
    r.git(&["add", "b.c"])?;
    let out = tool(&r, "git", &["commit", "-q", "-m", "bpf: Change b"])?;
    assert!(said(&out).contains("signoff-missing"), "{}", said(&out));
    r.git(&["reset", "-q"])?;

    with_remote(&r)?;
    let out = tool(&r, "git", &["push", "-q", "origin", "master"])?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(read(&log).contains("mine origin"), "{}", read(&log));
    Ok(())
}

#[test]
fn chained_lefthook_hooks_still_run() -> TestResult {
    let lefthook = lefthook_in(node_modules()?).ok_or("npm installed no lefthook binary")?;
    let r = Repo::new()?;
    base_commit(&r)?;
    let log = r.home.path().join("lefthook.log");
    std::fs::write(
        r.path().join("lefthook.yml"),
        format!(
            "commit-msg:\n  commands:\n    mine:\n      run: echo \"mine commit-msg {{1}}\" >> '{0}'\n\
             pre-push:\n  commands:\n    mine:\n      run: echo \"mine pre-push {{1}}\" >> '{0}'\n",
            log.display()
        ),
    )?;
    let out = r.cmd(&lefthook).arg("install").output()?;
    assert!(out.status.success(), "{}", said(&out));

    install_ok(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert!(
        r.path()
            .join(".git/hooks/commit-msg.bpf-policy-chained")
            .is_file()
    );
    let lh = |args: &[&str]| {
        r.cmd("git")
            .args(args)
            .env("LEFTHOOK_BIN", &lefthook)
            .output()
    };
    let out = lh(&["add", "-A"])?;
    assert!(out.status.success());
    let out = lh(&["commit", "-q", "-m", &good("Add lefthook config")])?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(read(&log).contains("mine commit-msg"), "{}", read(&log));
    std::fs::write(r.path().join("b.c"), "b\n")?;
    r.git(&["add", "b.c"])?;
    let out = lh(&["commit", "-q", "-m", "bpf: Change b"])?;
    assert!(said(&out).contains("signoff-missing"), "{}", said(&out));
    r.git(&["reset", "-q"])?;

    with_remote(&r)?;
    let out = lh(&["push", "-q", "origin", "master"])?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        read(&log).contains("mine pre-push origin"),
        "{}",
        read(&log)
    );
    Ok(())
}

#[test]
fn chained_hooks_of_every_kind_run_with_their_arguments() -> TestResult {
    let log_line = "echo \"$(basename \"$0\") $# $(head -n 1 \"$1\")\" >> \"$HOME/chained.log\"";
    // (the hook, what it must log): shell scripts see git's name for the hook as $0, and run
    // under the shell their #! line names (bash syntax under bash, sh -e stops at a failure).
    let cases = [
        (format!("#!/bin/sh\n{log_line}\n"), "commit-msg 1 bpf: Add a"),
        (
            format!("#!/usr/bin/env bash\n[[ -n $BASH_VERSION ]] || exit 9\n{log_line}\n"),
            "commit-msg 1 bpf: Add a",
        ),
        (format!("{log_line}\n"), "commit-msg 1 bpf: Add a"),
        (
            format!("#!/bin/sh -e\n{log_line}\nfalse\necho not-here >> \"$HOME/chained.log\"\n"),
            "commit-msg 1 bpf: Add a",
        ),
        (
            "#!/usr/bin/env python3\nimport os, sys\nopen(os.environ['HOME'] + '/chained.log', 'a').write('python %d %s\\n' % (len(sys.argv) - 1, open(sys.argv[1]).readline().strip()))\n".to_owned(),
            "python 1 bpf: Add a",
        ),
    ];
    for (i, (hook, want)) in cases.iter().enumerate() {
        let r = Repo::new()?;
        base_commit(&r)?;
        executable(&r.path().join(".git/hooks/commit-msg"), hook)?;
        install_ok(&r, &["--no-build", "--tree", "bpf-next"])?;
        let out = commit_hooked(&r, "kernel/bpf/a.c", &good("Add a"))?;
        let log = read(&r.home.path().join("chained.log"));
        if i == 3 {
            // sh -e: the failure blocks, after the line before it ran.
            assert!(!out.status.success(), "{hook}: {}", said(&out));
        } else {
            assert!(out.status.success(), "{hook}: {}", said(&out));
        }
        assert_eq!(log.trim(), *want, "{hook}");
    }
    Ok(())
}

#[test]
fn an_edited_hook_is_kept_on_reinstall_and_uninstall() -> TestResult {
    let r = Repo::new()?;
    let hooks = r.path().join(".git/hooks");
    install_ok(&r, &["--no-build"])?;
    let fresh = std::fs::read_to_string(hooks.join("commit-msg"))?;
    let edited = format!("{fresh}# my own addition\n");
    std::fs::write(hooks.join("commit-msg"), &edited)?;

    // A second run keeps the edited copy beside a fresh hook, and says so.
    let out = install_ok(&r, &["--no-build"])?;
    assert!(out.contains("commit-msg.bpf-policy-edited"), "{out}");
    assert_eq!(read(&hooks.join("commit-msg.bpf-policy-edited")), edited);
    assert_eq!(read(&hooks.join("commit-msg")), fresh);
    // An unedited hook is simply up to date.
    assert!(out.contains("pre-push: up to date"), "{out}");

    // Uninstalling keeps an edited hook too, under a name no earlier copy has.
    let edited2 = format!("{fresh}# edited again\n");
    std::fs::write(hooks.join("commit-msg"), &edited2)?;
    let out = install_ok(&r, &["--uninstall"])?;
    assert!(out.contains("commit-msg.bpf-policy-edited.2"), "{out}");
    assert_eq!(read(&hooks.join("commit-msg.bpf-policy-edited.2")), edited2);
    assert_eq!(read(&hooks.join("commit-msg.bpf-policy-edited")), edited);
    assert!(!hooks.join("commit-msg").exists());
    assert!(!hooks.join("pre-push").exists(), "unedited hooks go");
    assert!(!hooks.join("pre-push.bpf-policy-sum").exists());
    Ok(())
}

/// The commit-msg hook the first install.sh wrote, which kept no checksum beside it.
const OLD_COMMIT_MSG_HOOK: &str = r#"#!/bin/sh
# bpf-policy commit-msg hook: checks against the BPF submission policy.
# Installed by bpf-policy's install.sh; "install.sh --uninstall" removes it and puts back
# whatever hook was here before.
bin_dir='@BIN_DIR@'
hook=commit-msg
here=${0%/*}
# A hook that was here before bpf-policy runs first, and its failure still blocks.
if [ -x "$here/$hook.bpf-policy-chained" ]; then
	"$here/$hook.bpf-policy-chained" "$@" || exit $?
fi
if [ ! -x "$bin_dir/bpf-policy-$hook" ]; then
	echo "bpf-policy: $bin_dir/bpf-policy-$hook is missing, so the $hook check cannot run." >&2
	echo "bpf-policy: reinstall with install.sh from the bpf-policy sources, remove the hook with" >&2
	echo "bpf-policy: 'install.sh --uninstall', or bypass it once with --no-verify." >&2
	exit 1
fi
exec "$bin_dir/bpf-policy-$hook" "$@"
"#;

#[test]
fn a_hook_from_an_older_install_sh_is_upgraded_not_kept_as_edited() -> TestResult {
    let r = Repo::new()?;
    let hooks = r.path().join(".git/hooks");
    let bin = r.home.path().join("it's bin");
    let quoted = bin.to_string_lossy().replace('\'', "'\\''");
    executable(
        &hooks.join("commit-msg"),
        &OLD_COMMIT_MSG_HOOK.replace("@BIN_DIR@", &quoted),
    )?;
    let out = install_ok(&r, &["--no-build", "--bin-dir", &bin.to_string_lossy()])?;
    assert!(!out.contains("edited"), "{out}");
    assert!(!hooks.join("commit-msg.bpf-policy-edited").exists());
    assert!(!hooks.join("commit-msg.bpf-policy-chained").exists());
    assert!(read(&hooks.join("commit-msg")).contains("bpf-policy-sum"));
    // The same old hook with a line of the user's is theirs: kept.
    executable(
        &hooks.join("commit-msg"),
        &format!("{OLD_COMMIT_MSG_HOOK}# mine\n").replace("@BIN_DIR@", &quoted),
    )?;
    std::fs::remove_file(hooks.join("commit-msg.bpf-policy-sum"))?;
    let out = install_ok(&r, &["--no-build", "--bin-dir", &bin.to_string_lossy()])?;
    assert!(out.contains("commit-msg.bpf-policy-edited"), "{out}");
    assert!(read(&hooks.join("commit-msg.bpf-policy-edited")).ends_with("# mine\n"));
    Ok(())
}

#[test]
fn an_empty_or_non_executable_hook_program_blocks() -> TestResult {
    let r = Repo::new()?;
    let bin = r.home.path().join("bin");
    install_ok(&r, &["--no-build", "--bin-dir", &bin.to_string_lossy()])?;
    base_commit(&r)?;
    let prog = bin.join("bpf-policy-commit-msg");
    // A 0-byte file would run as an empty shell script and pass everything.
    std::fs::write(&prog, "")?;
    let out = commit_hooked(&r, "a.c", "anything at all")?;
    assert!(!out.status.success(), "{}", said(&out));
    assert!(
        said(&out).contains("empty") && said(&out).contains("install.sh"),
        "{}",
        said(&out)
    );
    r.git(&["reset", "-q"])?;
    std::fs::copy(
        release_target_dir()?.join("release/bpf-policy-commit-msg"),
        &prog,
    )?;
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o644))?;
    let out = commit_hooked(&r, "a.c", &good("Add a"))?;
    assert!(!out.status.success());
    assert!(said(&out).contains("not executable"), "{}", said(&out));
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755))?;
    let out = commit_hooked(&r, "a.c", &good("Add a"))?;
    assert!(out.status.success(), "{}", said(&out));
    Ok(())
}

#[test]
fn paths_with_newlines_are_refused_and_umask_is_ignored() -> TestResult {
    let r = Repo::new()?;
    let hooks = r.path().join(".git/hooks");
    let before: Vec<_> = std::fs::read_dir(&hooks)?
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    let odd = r.home.path().join("bin\ndir");
    let out = install(&r, &["--no-build", "--bin-dir", &odd.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(stderr(&out).contains("newline"), "{}", said(&out));
    let after: Vec<_> = std::fs::read_dir(&hooks)?
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(before, after, "nothing left behind");
    assert!(!odd.exists());

    // Stopped while a hook is half written: the temporary file goes too.
    let wrappers = r.home.path().join("wrappers");
    executable(
        &wrappers.join("chmod"),
        "#!/bin/sh\ncase \"$2\" in *.bpf-policy.tmp) kill -TERM \"$PPID\"; sleep 1 ;; esac\nexec /bin/chmod \"$@\"\n",
    )?;
    let mut path = OsString::from(&wrappers);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let out = install_cmd(&r)?
        .arg("--no-build")
        .env("PATH", path)
        .output()?;
    assert!(!out.status.success(), "{}", said(&out));
    let left: Vec<_> = std::fs::read_dir(&hooks)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // umask 000: what install.sh creates is still 0755, never world-writable.
    let out = r
        .cmd("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" --no-build --link-dir \"$HOME/links\"")
        .arg(workspace_root().join("install.sh"))
        .env("CARGO_TARGET_DIR", release_target_dir()?)
        .output()?;
    assert!(out.status.success(), "{}", said(&out));
    let home = r.home.path();
    for d in [
        home.join(".local/share/bpf-policy/bin"),
        home.join(".local/share/bpf-policy"),
        home.join(".local/share"),
        home.join(".local/share/man/man1"),
        home.join("links"),
    ] {
        assert_eq!(mode(&d)?, 0o755, "{}", d.display());
    }
    assert_eq!(
        mode(&home.join(".local/share/man/man1/bpf-policy.1"))?,
        0o644
    );
    assert_eq!(mode(&hooks.join("commit-msg"))?, 0o755);
    Ok(())
}

/// The quick start's command line from README.md.
fn readme_quick_start() -> Res<String> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))?;
    let section = readme
        .split("## Quick start")
        .nth(1)
        .ok_or("README.md has no Quick start")?;
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .ok_or("no sh block in the Quick start")?;
    Ok(block.trim().to_owned())
}

/// The machine's cargo home, where the registry's sources are (a fresh one would fetch them).
fn cargo_home() -> Res<PathBuf> {
    if let Some(h) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(h));
    }
    let home = std::env::var_os("HOME").ok_or("HOME is not set")?;
    Ok(Path::new(&home).join(".cargo"))
}

/// PATH as on a fresh machine: the system's directories, and the Rust toolchain's.
fn fresh_path(first: &[&Path]) -> Res<OsString> {
    let cargo = PathBuf::from(env!("CARGO"));
    let toolchain = cargo.parent().ok_or("cargo has no directory")?;
    let mut dirs: Vec<PathBuf> = first.iter().map(|p| p.to_path_buf()).collect();
    dirs.push(toolchain.to_path_buf());
    dirs.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    Ok(std::env::join_paths(dirs)?)
}

#[test]
fn quick_start_from_the_readme_literally() -> TestResult {
    let r = Repo::new()?;
    let home = r.home.path();
    let line = readme_quick_start()?;
    assert!(line.contains("bpf-policy check --help"), "{line}");
    let line = line.replace("/path/to/bpf-policy", &workspace_root().to_string_lossy());
    // A fresh HOME whose ~/.local/bin is on PATH (as distributions' ~/.profile arranges);
    // cargo's own home stays the machine's (its registry cache: no network here).
    let out = r
        .cmd("sh")
        .args(["-c", &line])
        .env("PATH", fresh_path(&[&home.join(".local/bin")])?)
        .env("CARGO_HOME", cargo_home()?)
        .env("CARGO_TARGET_DIR", release_target_dir()?)
        .output()?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(stdout(&out).contains("--range"), "the help: {}", said(&out));
    // cargo's progress is shown, not hidden.
    assert!(stderr(&out).contains("Finished"), "{}", stderr(&out));
    assert_eq!(r.git(&["config", "bpf-policy.tree"])?.trim(), "bpf-next");
    let share = home.join(".local/share");
    assert!(read(&share.join("man/man1/bpf-policy.1")).contains(".TH"));
    assert!(read(&share.join("bash-completion/completions/bpf-policy")).contains("complete"));
    for h in ["commit-msg", "pre-push", "sendemail-validate"] {
        let hook = read(&r.path().join(".git/hooks").join(h));
        assert!(hook.contains("Installed by bpf-policy's install.sh"), "{h}");
        assert!(!hook.contains("@BIN_DIR@"));
    }
    Ok(())
}

#[test]
fn the_link_goes_where_path_finds_it_or_the_output_says_how() -> TestResult {
    let r = Repo::new()?;
    let home = r.home.path();
    // Only $CARGO_HOME/bin (not ~/.cargo/bin) on PATH, as rustup's setup leaves it.
    let cargo_home = home.join("rust");
    std::fs::create_dir_all(cargo_home.join("bin"))?;
    let out = install_cmd(&r)?
        .arg("--no-build")
        .env("CARGO_HOME", &cargo_home)
        .env("PATH", fresh_path(&[&cargo_home.join("bin")])?)
        .output()?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(std::fs::symlink_metadata(cargo_home.join("bin/bpf-policy"))?.is_symlink());
    assert!(
        stdout(&out).contains("try: bpf-policy check --help"),
        "{}",
        said(&out)
    );

    // Nothing suitable on PATH: the absolute path to run, and how to add the directory.
    let r = Repo::new()?;
    let out = install_cmd(&r)?
        .arg("--no-build")
        .env("PATH", fresh_path(&[])?)
        .output()?;
    assert!(out.status.success(), "{}", said(&out));
    let text = stdout(&out);
    assert!(!text.contains("try: bpf-policy check"), "{text}");
    assert!(text.contains("export PATH="), "{text}");
    let bin = r.home.path().join(".local/share/bpf-policy/bin/bpf-policy");
    assert!(
        text.contains(&format!("try: '{}' check --help", bin.display())),
        "{text}"
    );

    // --link-dir '': no link, so the absolute path.
    let r = Repo::new()?;
    let out = install_ok(&r, &["--no-build", "--link-dir", ""])?;
    assert!(!out.contains("try: bpf-policy check"), "{out}");
    let bin = r.home.path().join(".local/share/bpf-policy/bin/bpf-policy");
    assert!(
        out.contains(&format!("try: '{}' check --help", bin.display())),
        "{out}"
    );
    Ok(())
}

#[test]
fn the_readme_names_every_option() -> TestResult {
    let r = Repo::new()?;
    let help = install_ok(&r, &["--help"])?;
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))?;
    let options: Vec<&str> = help
        .split_whitespace()
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.trim_end_matches([',', ')', '.', ':']))
        .collect();
    assert!(options.contains(&"--purge"), "{help}");
    for o in options {
        assert!(readme.contains(o), "README.md does not name {o}");
    }
    Ok(())
}

#[test]
fn missing_prerequisites_are_named() -> TestResult {
    let r = Repo::new()?;
    // A PATH with the tools install.sh uses, git and the Rust toolchain, but no C compiler.
    let tools = r.home.path().join("tools");
    std::fs::create_dir_all(&tools)?;
    let cargo = PathBuf::from(env!("CARGO"));
    let toolchain = cargo.parent().ok_or("no toolchain dir")?;
    for t in [
        "awk", "cat", "chmod", "cksum", "cmp", "cp", "cut", "dirname", "git", "grep", "head", "ln",
        "mkdir", "mktemp", "mv", "readlink", "rm", "rmdir", "sed", "sh", "tr",
    ] {
        let found = ["/usr/bin", "/bin"]
            .iter()
            .map(|d| Path::new(d).join(t))
            .find(|p| p.exists())
            .ok_or(format!("no {t}"))?;
        std::os::unix::fs::symlink(found, tools.join(t))?;
    }
    std::os::unix::fs::symlink(toolchain.join("cargo"), tools.join("cargo"))?;
    let run = |path: &Path| {
        install_cmd(&r)?
            .env("PATH", path)
            .output()
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
    };
    // rustc too old (a stand-in that says so).
    executable(
        &tools.join("rustc"),
        "#!/bin/sh\necho 'rustc 1.70.0 (90c541806 2023-05-31)'\n",
    )?;
    let out = run(&tools)?;
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    let err = stderr(&out);
    assert!(err.contains("C compiler (cc)"), "{err}");
    assert!(
        err.contains("Rust 1.88 or newer") && err.contains("1.70"),
        "{err}"
    );
    assert!(!r.path().join(".git/hooks/commit-msg").exists());
    // No Rust at all.
    std::fs::remove_file(tools.join("rustc"))?;
    std::fs::remove_file(tools.join("cargo"))?;
    let out = run(&tools)?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("https://rustup.rs"), "{}", said(&out));
    // The README shows each of these lines as install.sh prints it.
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))?;
    for line in format!("{err}{}", stderr(&out))
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
    {
        assert!(
            readme.contains(&format!("`{line}`")),
            "README.md lacks: {line}"
        );
    }
    Ok(())
}

#[test]
fn bad_hook_names_list_the_good_ones_and_an_empty_list_removes_ours() -> TestResult {
    let r = Repo::new()?;
    let out = install(&r, &["--no-build", "--hooks", "prepush"])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("commit-msg, pre-push and sendemail-validate"),
        "{}",
        said(&out)
    );

    let hooks = r.path().join(".git/hooks");
    executable(&hooks.join("pre-push"), "#!/bin/sh\nexit 0\n")?;
    let mine = read(&hooks.join("pre-push"));
    executable(&hooks.join("commit-msg"), "#!/bin/sh\n# the user's own\n")?;
    install_ok(&r, &["--no-build"])?;
    // pre-commit, installed over ours, keeps it as commit-msg.legacy and runs it.
    std::fs::rename(hooks.join("commit-msg"), hooks.join("commit-msg.legacy"))?;
    executable(&hooks.join("commit-msg"), "#!/bin/sh\n# pre-commit's\n")?;
    let out = install_ok(&r, &["--no-build", "--hooks", ""])?;
    // The user's own hook, which ours had chained, is what pre-commit runs as legacy now.
    assert_eq!(
        read(&hooks.join("commit-msg.legacy")),
        "#!/bin/sh\n# the user's own\n",
        "{out}"
    );
    assert!(!hooks.join("commit-msg.bpf-policy-chained").exists());
    assert!(!hooks.join("sendemail-validate").exists(), "{out}");
    assert_eq!(
        read(&hooks.join("pre-push")),
        mine,
        "the earlier hook is back"
    );
    assert!(read(&hooks.join("commit-msg")).contains("pre-commit's"));
    assert!(
        r.home
            .path()
            .join(".local/share/bpf-policy/bin/bpf-policy")
            .is_file()
    );
    Ok(())
}

#[test]
fn hooks_none_after_the_quick_start_leaves_pre_commit_alone_in_charge() -> TestResult {
    let r = Repo::new()?;
    base_commit(&r)?;
    install_ok(&r, &["--no-build", "--tree", "bpf-next"])?;
    // pre-commit, running the programs through `bpf-policy hook` (PATH: the link directory).
    std::fs::write(
        r.path().join(".pre-commit-config.yaml"),
        "repos:\n  - repo: local\n    hooks:\n      - id: bpf-policy-commit-msg\n        \
         name: bpf-policy (commit message)\n        entry: bpf-policy hook commit-msg\n        \
         language: system\n        stages: [commit-msg]\n\
         default_install_hook_types: [commit-msg]\n",
    )?;
    r.git(&["add", ".pre-commit-config.yaml"])?;
    let out = tool(&r, "pre-commit", &["install"])?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(r.path().join(".git/hooks/commit-msg.legacy").is_file());

    install_ok(&r, &["--no-build", "--hooks", ""])?;
    assert!(!r.path().join(".git/hooks/commit-msg.legacy").exists());
    std::fs::write(r.path().join("b.c"), "b\n")?;
    r.git(&["add", "b.c"])?;
    let out = tool(
        &r,
        "git",
        &["commit", "-q", "-m", &format!("bpf: Change b\n\n{WHY}")],
    )?;
    assert!(!out.status.success(), "{}", said(&out));
    assert_eq!(
        said(&out).matches("signoff-missing]").count(),
        1,
        "each diagnostic once: {}",
        said(&out)
    );
    Ok(())
}

#[test]
fn uninstall_purge_removes_what_install_wrote_and_only_that() -> TestResult {
    let r = Repo::new()?;
    let home = r.home.path();
    // Things of the user's that live where install.sh writes.
    let man1 = home.join(".local/share/man/man1");
    std::fs::create_dir_all(&man1)?;
    std::fs::write(man1.join("other.1"), ".TH OTHER\n")?;
    executable(&home.join(".local/bin/other"), "#!/bin/sh\n")?;
    r.git(&["config", "bpf-policy.disable", "subject-format"])?;
    let before_config = r.git(&["config", "--list", "--local"])?;

    install_ok(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert!(man1.join("bpf-policy.1").is_file());
    // A second repository of the same user has the hooks too: purging here says so.
    let second = home.join("second");
    let mut c = Command::new("git");
    hermetic(&mut c, home);
    assert!(c.args(["init", "-q"]).arg(&second).status()?.success());
    let second_s = second.to_string_lossy();
    install_ok(&r, &["--no-build", "--repo", &second_s])?;
    let out = install_ok(&r, &["--uninstall", "--purge"])?;
    assert!(
        out.contains(&format!(
            "{}/commit-msg is still installed",
            second.join(".git/hooks").display()
        )),
        "{out}"
    );
    install_ok(&r, &["--uninstall", "--repo", &second_s])?;
    let out = install_ok(&r, &["--uninstall", "--purge", "--repo", &second_s])?;
    for gone in [
        home.join(".local/bin/bpf-policy"),
        home.join(".local/share/bpf-policy"),
        man1.join("bpf-policy.1"),
        man1.join("bpf-policy-check.1"),
        home.join(".local/share/bash-completion/completions/bpf-policy"),
        r.path().join(".git/hooks/commit-msg"),
    ] {
        assert!(
            std::fs::symlink_metadata(&gone).is_err(),
            "{} stays: {out}",
            gone.display()
        );
    }
    assert!(man1.join("other.1").is_file());
    assert!(home.join(".local/bin/other").is_file());
    assert_eq!(r.git(&["config", "--list", "--local"])?, before_config);
    Ok(())
}

#[test]
fn a_global_hooks_path_needs_global_and_other_repositories_are_left_alone() -> TestResult {
    let r = Repo::new()?;
    base_commit(&r)?;
    let global_hooks = r.home.path().join("global-hooks");
    r.git(&[
        "config",
        "--global",
        "core.hooksPath",
        &global_hooks.to_string_lossy(),
    ])?;
    let out = install(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(stderr(&out).contains("--global"), "{}", said(&out));
    assert!(!global_hooks.join("commit-msg").exists());
    // The other way out it offers, pasted as printed: this repository's own hooks.
    let advice = stderr(&out)
        .split("hooks of its own: ")
        .nth(1)
        .ok_or("no advice")?
        .trim()
        .to_owned();
    let pasted = r.cmd("sh").args(["-c", &advice]).output()?;
    assert!(pasted.status.success(), "{advice}: {}", said(&pasted));
    let own = install_ok(&r, &["--no-build"])?;
    assert!(r.path().join(".git/hooks/commit-msg").is_file(), "{own}");
    r.git(&["config", "--unset", "core.hooksPath"])?;
    install_ok(&r, &["--uninstall"])?;

    let out = install_ok(&r, &["--no-build", "--tree", "bpf-next", "--global"])?;
    assert!(global_hooks.join("commit-msg").is_file(), "{out}");
    assert_eq!(
        r.git(&["config", "--local", "bpf-policy.installed"])?
            .trim(),
        "true"
    );
    bpf_policy_still_blocks(&r)?;

    // Another repository on the machine (same HOME, so the same global hooks): not checked,
    // with a note.
    let other = tempfile::tempdir()?;
    let git = |args: &[&str]| {
        let mut c = Command::new("git");
        hermetic(&mut c, r.home.path());
        c.current_dir(other.path()).args(args).output()
    };
    assert!(git(&["init", "-q"])?.status.success());
    std::fs::write(other.path().join("f"), "x\n")?;
    assert!(git(&["add", "f"])?.status.success());
    let out = git(&["commit", "-q", "-m", "wip"])?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        stderr(&out).contains("not installed for this repository"),
        "{}",
        said(&out)
    );
    // pre-push too (a push to a tree's repository would be checked, and "wip" refused).
    let bare = r.home.path().join("bpf-next.git");
    assert!(
        git(&["init", "-q", "--bare", &bare.to_string_lossy()])?
            .status
            .success()
    );
    let out = git(&[
        "push",
        "-q",
        &bare.to_string_lossy(),
        "HEAD:refs/heads/master",
    ])?;
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        stderr(&out).contains("(pre-push): not installed"),
        "{}",
        said(&out)
    );
    // Run directly (or through `bpf-policy hook`, as pre-commit does), it still checks.
    let msg = other.path().join("msg");
    std::fs::write(&msg, "wip\n")?;
    let mut c = Command::new(r.home.path().join(".local/bin/bpf-policy"));
    hermetic(&mut c, r.home.path());
    let out = c
        .current_dir(other.path())
        .args(["hook", "commit-msg"])
        .arg(&msg)
        .env("BPF_POLICY_SHIM", "1")
        .output()?;
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));

    install_ok(&r, &["--uninstall"])?;
    assert!(
        r.git(&["config", "--local", "bpf-policy.installed"])
            .is_err()
    );
    Ok(())
}

#[test]
fn tree_in_a_linked_worktree_stays_in_that_worktree() -> TestResult {
    let r = Repo::new()?;
    base_commit(&r)?;
    let wt = r.home.path().join("wt");
    r.git(&["worktree", "add", "-q", "-b", "wt", &wt.to_string_lossy()])?;
    r.git(&["config", "bpf-policy.tree", "bpf-next"])?;
    let wts = wt.to_string_lossy();
    let out = install(&r, &["--no-build", "--repo", &wts, "--tree", "bpf"])?;
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(stderr(&out).contains("--worktree-config"), "{}", said(&out));
    assert_eq!(r.git(&["config", "bpf-policy.tree"])?.trim(), "bpf-next");

    let out = install_ok(
        &r,
        &[
            "--no-build",
            "--repo",
            &wts,
            "--tree",
            "bpf",
            "--worktree-config",
        ],
    )?;
    assert!(out.contains("extensions.worktreeConfig"), "{out}");
    assert_eq!(
        r.git(&["config", "bpf-policy.tree"])?.trim(),
        "bpf-next",
        "main unchanged"
    );
    let mut c = Command::new("git");
    hermetic(&mut c, r.home.path());
    let tree = c
        .current_dir(&wt)
        .args(["config", "bpf-policy.tree"])
        .output()?;
    assert_eq!(stdout(&tree).trim(), "bpf");

    // With extensions.worktreeConfig already on, another worktree needs no option.
    let wt2 = r.home.path().join("wt2");
    r.git(&["worktree", "add", "-q", "-b", "wt2", &wt2.to_string_lossy()])?;
    install_ok(
        &r,
        &[
            "--no-build",
            "--repo",
            &wt2.to_string_lossy(),
            "--tree",
            "net",
        ],
    )?;
    let mut c = Command::new("git");
    hermetic(&mut c, r.home.path());
    let tree = c
        .current_dir(&wt2)
        .args(["config", "bpf-policy.tree"])
        .output()?;
    assert_eq!(stdout(&tree).trim(), "net");
    assert_eq!(r.git(&["config", "bpf-policy.tree"])?.trim(), "bpf-next");
    Ok(())
}

fn snapshot(dir: &Path) -> Result<Vec<(String, Vec<u8>, u32)>, std::io::Error> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let meta = std::fs::symlink_metadata(e.path())?;
        let content = if meta.is_file() {
            std::fs::read(e.path())?
        } else {
            Vec::new()
        };
        v.push((
            e.file_name().to_string_lossy().into_owned(),
            content,
            meta.permissions().mode(),
        ));
    }
    v.sort();
    Ok(v)
}

#[test]
fn installer_chains_existing_hooks_and_restores_them() -> TestResult {
    let r = Repo::new()?;
    let hooks = r.path().join(".git/hooks");
    let mine = "#!/bin/sh\necho my-hook-ran >&2\ntest -z \"$BLOCK\"\n";
    std::fs::write(hooks.join("commit-msg"), mine)?;
    std::fs::set_permissions(
        hooks.join("commit-msg"),
        std::fs::Permissions::from_mode(0o755),
    )?;
    let before = snapshot(&hooks)?;

    let out = install(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let once = snapshot(&hooks)?;
    let out = install(&r, &["--no-build", "--tree", "bpf-next"])?;
    assert!(out.status.success());
    assert_eq!(snapshot(&hooks)?, once, "a second run changes nothing");

    base_commit(&r)?;
    let out = commit_hooked(&r, "a.c", &format!("bpf: Add a\n\n{WHY}\n\n{SOB}"))?;
    assert!(
        out.status.success() && stderr(&out).contains("my-hook-ran"),
        "{}",
        stderr(&out)
    );
    // The earlier hook's failure still blocks.
    std::fs::write(r.path().join("a.c"), "z\n")?;
    r.git(&["add", "a.c"])?;
    let out = r
        .cmd("git")
        .args([
            "commit",
            "-q",
            "-m",
            &format!("bpf: Add b\n\n{WHY}\n\n{SOB}"),
        ])
        .env("BLOCK", "1")
        .output()?;
    assert!(!out.status.success());

    let out = install(&r, &["--uninstall"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(&hooks)?, before, "byte for byte");
    Ok(())
}

#[test]
fn installer_follows_worktrees_hooks_path_and_spaces() -> TestResult {
    let r = Repo::new()?;
    base_commit(&r)?;
    // A linked worktree in a path with spaces: hooks go to the common git dir.
    let wt = r.home.path().join("my work tree");
    r.git(&["worktree", "add", "-q", "-b", "wt", &wt.to_string_lossy()])?;
    let bin = r.home.path().join("bin dir");
    let out = install(
        &r,
        &[
            "--no-build",
            "--repo",
            &wt.to_string_lossy(),
            "--bin-dir",
            &bin.to_string_lossy(),
            "--tree",
            "bpf",
            "--worktree-config",
        ],
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(r.path().join(".git/hooks/commit-msg").exists());
    let mut c = Command::new("git");
    hermetic(&mut c, r.home.path());
    std::fs::write(wt.join("kernel_fix.c"), "x\n")?;
    let out = c.current_dir(&wt).args(["add", "kernel_fix.c"]).output()?;
    assert!(out.status.success());
    let mut c = Command::new("git");
    hermetic(&mut c, r.home.path());
    let out = c
        .current_dir(&wt)
        .args([
            "commit",
            "-q",
            "-m",
            &format!("bpf: Fix it\n\n{WHY}\n\n{SOB}"),
        ])
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "the bpf tree needs Fixes: {}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("fixes-required"));

    // core.hooksPath is honoured and reported.
    let r2 = Repo::new()?;
    r2.git(&["config", "core.hooksPath", "custom hooks"])?;
    let out = install(&r2, &["--no-build"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("core.hooksPath"));
    assert!(r2.path().join("custom hooks/pre-push").exists());
    assert!(!r2.path().join(".git/hooks/pre-push").exists());
    Ok(())
}

#[test]
fn shim_explains_a_missing_binary() -> TestResult {
    let r = Repo::new()?;
    let bin = r.home.path().join("bin");
    let out = install(&r, &["--no-build", "--bin-dir", &bin.to_string_lossy()])?;
    assert!(out.status.success());
    std::fs::remove_file(bin.join("bpf-policy-commit-msg"))?;
    let out = commit_hooked(&r, "a.c", &format!("bpf: Add a\n\n{WHY}\n\n{SOB}"))?;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("is missing") && err.contains("install.sh"),
        "{err}"
    );
    Ok(())
}

#[test]
fn uninstall_removes_the_maintainers_cache_and_only_that() -> TestResult {
    let r = Repo::new()?;
    r.commit(
        "MAINTAINERS",
        "BPF [GENERAL]\nM:\tA <a@example.org>\nL:\tbpf@vger.kernel.org\nF:\tkernel/bpf/\n",
        "MAINTAINERS: add BPF",
    )?;
    install_ok(&r, &["--no-build"])?;
    let out = commit_hooked(&r, "kernel/bpf/core.c", &good("Add x"))?;
    assert!(out.status.success(), "{}", said(&out));
    let state = r.path().join(".git/bpf-policy");
    let id = r.git(&["rev-parse", "HEAD:MAINTAINERS"])?;
    let cache = state.join(format!("maintainers-{}.ours", id.trim()));
    assert!(cache.is_file(), "the hook kept no cache");
    // What is not the cache stays: the send log, a file merely named like one.
    std::fs::write(state.join("sent.log"), "{}\n")?;
    std::fs::write(state.join("maintainers-mine.ours"), "mine\n")?;
    // Only the last hook takes the cache with it.
    install_ok(&r, &["--uninstall", "--hooks", "pre-push"])?;
    assert!(cache.is_file());
    let out = install_ok(&r, &["--uninstall"])?;
    assert!(!cache.exists(), "{out}");
    assert!(out.contains("removed") && out.contains(".ours"), "{out}");
    assert!(state.join("sent.log").is_file());
    assert!(state.join("maintainers-mine.ours").is_file());

    // Nothing else: an empty directory goes; a link in its place is not followed.
    std::fs::remove_file(state.join("sent.log"))?;
    std::fs::remove_file(state.join("maintainers-mine.ours"))?;
    std::fs::write(&cache, "x")?;
    install_ok(&r, &["--no-build"])?;
    install_ok(&r, &["--uninstall"])?;
    assert!(!state.exists());
    let elsewhere = r.home.path().join("elsewhere");
    std::fs::create_dir(&elsewhere)?;
    let planted = elsewhere.join(format!("maintainers-{}.ours", id.trim()));
    std::fs::write(&planted, "precious\n")?;
    std::os::unix::fs::symlink(&elsewhere, &state)?;
    install_ok(&r, &["--no-build"])?;
    install_ok(&r, &["--uninstall"])?;
    assert_eq!(read(&planted), "precious\n");
    Ok(())
}
