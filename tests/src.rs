//! Test support shared by the command's tests and the end-to-end tests: temporary
//! repositories driven by the real git, with a clean environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Environment variables that would make git (or us) look somewhere else.
const GIT_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "NO_COLOR",
];

/// Make a command hermetic: no inherited git state, a private HOME, fixed identities.
pub fn hermetic<'a>(cmd: &'a mut Command, home: &Path) -> &'a mut Command {
    for v in GIT_ENV {
        cmd.env_remove(v);
    }
    // `cargo test` sets CARGO_HOME, whose bin directory is on PATH: install.sh would put its
    // link there, outside the test's HOME. A test that builds sets it again itself.
    cmd.env_remove("CARGO_HOME");
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "A U Thor")
        .env("GIT_AUTHOR_EMAIL", "author@example.org")
        .env("GIT_COMMITTER_NAME", "A U Thor")
        .env("GIT_COMMITTER_EMAIL", "author@example.org")
        .env("GIT_AUTHOR_DATE", "2024-10-01T10:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2024-10-01T10:00:00+00:00")
        .env("TERM", "dumb")
}

/// A temporary git repository.
#[derive(Debug)]
pub struct Repo {
    pub dir: tempfile::TempDir,
    pub home: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Result<Repo, Box<dyn std::error::Error>> {
        let r = Repo {
            dir: tempfile::tempdir()?,
            home: tempfile::tempdir()?,
        };
        r.git(&["init", "-q", "-b", "master"])?;
        r.git(&["config", "user.name", "A U Thor"])?;
        r.git(&["config", "user.email", "author@example.org"])?;
        Ok(r)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        hermetic(&mut c, self.home.path());
        c.current_dir(self.dir.path());
        c
    }

    /// Run git; fail the test on a non-zero exit.
    pub fn git(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let out = self.cmd("git").args(args).output()?;
        if !out.status.success() {
            return Err(format!(
                "git {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Write a file (creating directories) and commit it with a message.
    pub fn commit(
        &self,
        path: &str,
        content: &str,
        message: &str,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let p = self.dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, content)?;
        self.git(&["add", "--", path])?;
        self.git(&["commit", "-q", "--no-verify", "-m", message])?;
        Ok(self.git(&["rev-parse", "HEAD"])?.trim().to_owned())
    }

    /// `git format-patch` into a fresh directory; returns it and the files, sorted.
    pub fn format_patch(
        &self,
        args: &[&str],
    ) -> Result<(PathBuf, Vec<PathBuf>), Box<dyn std::error::Error>> {
        let out = self
            .dir
            .path()
            .join(format!("out-{}", std::process::id() ^ rand_suffix()));
        let mut full = vec!["format-patch", "-q", "-o"];
        let out_s = out.to_string_lossy().into_owned();
        full.push(&out_s);
        full.extend_from_slice(args);
        self.git(&full)?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&out)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        Ok((out, files))
    }
}

fn rand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The hook or command blocked (exit 1) with an error of `rule`.
pub fn blocked_by(o: &Output, rule: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
    assert!(
        stderr(o).contains(&format!("error[{rule}]")),
        "{}",
        stderr(o)
    );
}

/// Rule ids in `--format json` output.
pub fn rules_in(json: &str) -> Vec<String> {
    json.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("rule").and_then(|r| r.as_str()).map(str::to_owned))
        .collect()
}

/// The top of the workspace (install.sh, hooks/, Cargo.toml).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The release build of the command and the hooks that install.sh copies and the end-to-end
/// tests run, made once per test process. It has its own target directory because the one
/// `cargo test` uses is locked while the tests run.
pub fn release_target_dir() -> Result<&'static Path, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = workspace_root().join("target").join("e2e");
            let out = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "--release",
                    "--quiet",
                    "-p",
                    "bpf-policy-cli",
                    "-p",
                    "bpf-policy-hooks",
                ])
                .env("CARGO_TARGET_DIR", &dir)
                .current_dir(workspace_root())
                .output()
                .map_err(|e| e.to_string())?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned());
            }
            Ok(dir)
        })
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(Clone::clone)
}

/// A release binary by name (`bpf-policy`, `bpf-policy-commit-msg`, ...).
pub fn release_bin(name: &str) -> Result<PathBuf, String> {
    Ok(release_target_dir()?.join("release").join(name))
}

/// The Python tools the integration tests drive, pinned to the versions they were written
/// against.
const PY_TOOLS: &[&str] = &["b4==0.16.0", "pre-commit==4.7.0"];

/// A PATH on which `b4` and `pre-commit` are found: the inherited one when it has both (CI
/// installs them), else the inherited one behind a virtualenv made once under target/e2e with
/// pip, so `cargo test --workspace` works on a fresh machine too.
pub fn tools_path() -> Result<std::ffi::OsString, String> {
    static PATH: OnceLock<Result<std::ffi::OsString, String>> = OnceLock::new();
    PATH.get_or_init(|| {
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        let on_path =
            |tool: &str| std::env::split_paths(&inherited).any(|d| d.join(tool).is_file());
        if on_path("b4") && on_path("pre-commit") {
            return Ok(inherited);
        }
        let venv = workspace_root().join("target").join("e2e").join("pytools");
        let bin = venv.join("bin");
        if !(bin.join("b4").is_file() && bin.join("pre-commit").is_file()) {
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .output()
                .map_err(|e| e.to_string())?;
            if !made.status.success() {
                return Err(format!(
                    "python3 -m venv failed: {}",
                    String::from_utf8_lossy(&made.stderr)
                ));
            }
            let pip = Command::new(bin.join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(PY_TOOLS)
                .output()
                .map_err(|e| e.to_string())?;
            if !pip.status.success() {
                return Err(format!(
                    "pip install {PY_TOOLS:?} failed: {}",
                    String::from_utf8_lossy(&pip.stderr)
                ));
            }
        }
        let mut paths = vec![bin];
        paths.extend(std::env::split_paths(&inherited));
        std::env::join_paths(paths).map_err(|e| e.to_string())
    })
    .clone()
}

/// The npm hook managers the installer tests chain, pinned to the versions they were written
/// against.
const NODE_TOOLS: &[&str] = &["husky@9.1.7", "lefthook@2.2.2"];

/// A `node_modules` directory holding husky and lefthook (whose package ships the lefthook
/// binary): installed once with npm under target/e2e/node (`.ci/run` does it first), without
/// their install scripts, which would set up hooks of their own.
pub fn node_modules() -> Result<&'static Path, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| {
        let prefix = workspace_root().join("target").join("e2e").join("node");
        let modules = prefix.join("node_modules");
        if modules.join("husky/index.js").is_file() && lefthook_in(&modules).is_some() {
            return Ok(modules);
        }
        std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
        let out = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&prefix)
            .args(NODE_TOOLS)
            .output()
            .map_err(|e| format!("npm (for {NODE_TOOLS:?}; .ci/run installs it): {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "npm install {NODE_TOOLS:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(modules)
    })
    .as_ref()
    .map(PathBuf::as_path)
    .map_err(Clone::clone)
}

/// The lefthook binary npm installed (a package per platform, `lefthook-<os>-<cpu>`).
pub fn lefthook_in(modules: &Path) -> Option<PathBuf> {
    std::fs::read_dir(modules)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("lefthook-"))
        .map(|e| e.path().join("bin").join("lefthook"))
        .find(|p| p.is_file())
}

// Set-up the end-to-end test files share: installing the hooks, commits through them, bare
// remotes and the SMTP stand-in git send-email hands its mail to.

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

pub const SOB: &str = "Signed-off-by: A U Thor <author@example.org>";
pub const WHY: &str = "The map was freed twice when the update failed, because the error path\ndropped a reference the caller still held. Keep it until the caller is done.";

/// install.sh as a command in `repo`, with the tests' release build as its binaries (which
/// it puts under the test's HOME); the caller adds the arguments and environment.
pub fn install_cmd(repo: &Repo) -> Res<Command> {
    let mut c = repo.cmd(workspace_root().join("install.sh"));
    c.env("CARGO_TARGET_DIR", release_target_dir()?);
    Ok(c)
}

/// Run install.sh for `repo` with `args`, binaries going under the test's HOME.
pub fn install(repo: &Repo, args: &[&str]) -> Res<Output> {
    Ok(install_cmd(repo)?.args(args).output()?)
}

/// install.sh with `args`, which must succeed.
pub fn install_checked(repo: &Repo, args: &[&str]) -> Res<()> {
    let out = install(repo, args)?;
    if !out.status.success() {
        return Err(format!("install.sh failed: {}{}", stdout(&out), stderr(&out)).into());
    }
    Ok(())
}

/// `install.sh --no-build`, with `--tree` when `tree` names one.
pub fn install_for_tree(repo: &Repo, tree: Option<&str>) -> Res<()> {
    let mut args = vec!["--no-build"];
    if let Some(t) = tree {
        args.extend(["--tree", t]);
    }
    install_checked(repo, &args)
}

/// Change `file` (append a line) and stage it.
pub fn stage(r: &Repo, file: &str) -> Res<()> {
    let p = r.path().join(file);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d)?;
    }
    let old = std::fs::read_to_string(&p).unwrap_or_default();
    std::fs::write(&p, format!("{old}x\n"))?;
    r.git(&["add", "--", file])?;
    Ok(())
}

/// `git commit` with hooks of a change to `file`; returns the output.
pub fn commit_hooked(r: &Repo, file: &str, msg: &str) -> Res<Output> {
    stage(r, file)?;
    Ok(r.cmd("git").args(["commit", "-q", "-m", msg]).output()?)
}

/// The commit later fixes point at; made without hooks, as history already upstream.
pub fn base_commit(r: &Repo) -> Res<String> {
    r.commit(
        "kernel/bpf/syscall.c",
        "base\n",
        &format!("bpf: Add map refcounting\n\nAdd it.\n\n{SOB}"),
    )
}

/// An executable file holding `text` (its folder made if missing).
pub fn executable(path: &Path, text: &str) -> Res<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    Ok(())
}

/// A bare repository `HOME/<dir>`, added as remote `remote`.
pub fn bare_remote(r: &Repo, remote: &str, dir: &str) -> Res<PathBuf> {
    let bare = r.home.path().join(dir);
    let out = r
        .cmd("git")
        .args(["init", "-q", "--bare"])
        .arg(&bare)
        .output()?;
    if !out.status.success() {
        return Err(format!("git init --bare failed: {}", stderr(&out)).into());
    }
    r.git(&["remote", "add", remote, &bare.to_string_lossy()])?;
    Ok(bare)
}

/// What `name` resolves to in the bare repository `bare`, if anything.
pub fn remote_ref(r: &Repo, bare: &Path, name: &str) -> Res<Option<String>> {
    let out = r
        .cmd("git")
        .arg("--git-dir")
        .arg(bare)
        .args(["rev-parse", "--verify", "-q", name])
        .output()?;
    Ok(out.status.success().then(|| stdout(&out).trim().to_owned()))
}

/// A sendmail stand-in that keeps each message git send-email hands it in `HOME/sent`;
/// returns the script and that folder.
pub fn smtp_script(r: &Repo) -> Res<(PathBuf, PathBuf)> {
    let log = r.home.path().join("sent");
    std::fs::create_dir_all(&log)?;
    let script = r.home.path().join("sendmail.sh");
    executable(
        &script,
        &format!("#!/bin/sh\ncat > \"{}/mail.$$\"\n", log.display()),
    )?;
    Ok((script, log))
}

/// How many messages the SMTP stand-in kept.
pub fn sent(log: &Path) -> Result<usize, std::io::Error> {
    Ok(std::fs::read_dir(log)?.count())
}

/// `git send-email` through the hooks, to `to`, with the SMTP stand-in `script`.
pub fn send_email(
    r: &Repo,
    script: &Path,
    to: &str,
    files: &[PathBuf],
) -> Result<Output, std::io::Error> {
    r.cmd("git")
        .args([
            "send-email",
            "--confirm=never",
            "--suppress-cc=all",
            &format!("--to={to}"),
            "--from=A U Thor <author@example.org>",
        ])
        .arg(format!("--smtp-server={}", script.display()))
        .args(files)
        .output()
}
