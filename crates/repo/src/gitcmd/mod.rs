//! The git command backend: every repository git itself can use, including those libgit2
//! cannot open (SHA-256 objects, reftable refs, unknown extensions, ownership it rejects).
//!
//! This module runs git (finding the repository, the environment every command gets,
//! errors); what each kind of output means is parsed next to the commands that print it:
//! [`objects`] (ids, subjects, dates), [`refs`], [`log`] (commit listings), [`diff`] (files).

mod diff;
mod log;
mod objects;
mod refs;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::RepoError;
use crate::config::{Entry, parse_config_z};

#[derive(Debug, Clone)]
pub(crate) struct GitCmd {
    pub git_dir: PathBuf,
    pub work_tree: Option<PathBuf>,
}

/// What `git rev-parse` says about the repository around a directory.
#[derive(Debug)]
pub(crate) struct Found {
    pub cmd: GitCmd,
    pub shallow: bool,
}

fn base_command() -> Command {
    let mut c = Command::new("git");
    // Messages are parsed; keep them in English. Never fetch missing objects of a partial
    // clone from a hook, never prompt, never take optional locks a running git may hold.
    c.env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn describe_args<S: AsRef<OsStr>>(args: &[S]) -> String {
    args.iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn run_command(mut c: Command, stdin: Option<&[u8]>) -> Result<Output, RepoError> {
    if stdin.is_some() {
        c.stdin(Stdio::piped());
    }
    let mut child = c
        .spawn()
        .map_err(|source| RepoError::GitMissing { source })?;
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take();
        // Written from a second thread: git may fill the stdout pipe before reading all input.
        return std::thread::scope(|s| {
            let writer = s.spawn(move || {
                if let Some(p) = pipe.as_mut() {
                    // A git that exits early closes the pipe; its status tells what happened.
                    let _ = p.write_all(input);
                }
                drop(pipe);
            });
            let out = child.wait_with_output();
            let _ = writer.join();
            out.map_err(|source| RepoError::GitMissing { source })
        });
    }
    child
        .wait_with_output()
        .map_err(|source| RepoError::GitMissing { source })
}

fn stderr_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

/// git's output, line by line. Each line is decoded on its own: a byte that is not UTF-8
/// (a Latin-1 tag name) spoils that line only, never the lines around it.
fn lines(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|&b| b == b'\n')
        .map(|l| String::from_utf8_lossy(l.trim_ascii()).into_owned())
        .filter(|l| !l.is_empty())
}

/// `detected dubious ownership in repository at '/path'`: the path.
fn dubious_path(stderr: &str) -> Option<PathBuf> {
    let rest = stderr
        .split("dubious ownership in repository at '")
        .nth(1)?;
    Some(PathBuf::from(rest.split('\'').next()?))
}

impl GitCmd {
    /// Find the repository as `git -C dir` would, with the caller's environment.
    pub fn discover(dir: &Path) -> Result<Option<Found>, RepoError> {
        let run = |args: &[&str]| {
            let mut c = base_command();
            c.current_dir(dir).args(args);
            // git refuses an empty GIT_DIR; the libgit2 side treats it as unset, and so here.
            for var in ["GIT_DIR", "GIT_WORK_TREE"] {
                if std::env::var_os(var).is_some_and(|v| v.is_empty()) {
                    c.env_remove(var);
                }
            }
            run_command(c, None)
        };
        let out = run(&[
            "rev-parse",
            "--absolute-git-dir",
            "--is-bare-repository",
            "--is-shallow-repository",
        ])?;
        let stderr = stderr_text(&out);
        if !out.status.success() {
            if let Some(path) = dubious_path(&stderr) {
                return Err(RepoError::Unsafe { path });
            }
            if stderr.contains("not a git repository") {
                return Ok(None);
            }
            return Err(RepoError::Open {
                path: dir.to_owned(),
                reason: format!("git rev-parse failed: {stderr}"),
            });
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut it = text.lines();
        let (Some(git_dir), Some(bare), Some(shallow)) = (it.next(), it.next(), it.next()) else {
            return Err(RepoError::Open {
                path: dir.to_owned(),
                reason: format!("unexpected output of git rev-parse: {text:?}"),
            });
        };
        let work_tree = if bare.trim() == "true" {
            None
        } else {
            let out = run(&["rev-parse", "--show-toplevel"])?;
            // Inside the git directory of a non-bare repository there is no top level.
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        };
        Ok(Some(Found {
            cmd: GitCmd {
                git_dir: PathBuf::from(git_dir.trim()),
                work_tree,
            },
            shallow: shallow.trim() == "true",
        }))
    }

    pub(crate) fn command<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        index_file: Option<&Path>,
    ) -> Command {
        let mut c = base_command();
        c.env("GIT_DIR", &self.git_dir);
        match &self.work_tree {
            Some(w) => {
                c.env("GIT_WORK_TREE", w).current_dir(w);
            }
            None => {
                c.env_remove("GIT_WORK_TREE").current_dir(&self.git_dir);
            }
        }
        if let Some(i) = index_file {
            c.env("GIT_INDEX_FILE", i);
        }
        c.args(args);
        c
    }

    fn run<S: AsRef<OsStr>>(&self, args: &[S], stdin: Option<&[u8]>) -> Result<Output, RepoError> {
        run_command(self.command(args, None), stdin)
    }

    fn failed<S: AsRef<OsStr>>(&self, args: &[S], out: &Output) -> RepoError {
        RepoError::Git {
            args: describe_args(args),
            dir: self.git_dir.clone(),
            stderr: stderr_text(out),
        }
    }

    fn run_ok<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        stdin: Option<&[u8]>,
    ) -> Result<Vec<u8>, RepoError> {
        let out = self.run(args, stdin)?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(self.failed(args, &out))
        }
    }

    pub fn config(&self) -> Result<Vec<Entry>, RepoError> {
        let out = self.run(&["config", "-z", "--list"], None)?;
        if out.status.success() {
            Ok(parse_config_z(&out.stdout))
        } else {
            Err(RepoError::Config {
                reason: stderr_text(&out),
            })
        }
    }

    /// Start git with its output to be read as it comes.
    pub fn spawn<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Child, RepoError> {
        self.command(args, None)
            .spawn()
            .map_err(|source| RepoError::GitMissing { source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dubious() {
        assert_eq!(
            dubious_path("fatal: detected dubious ownership in repository at '/a b/c'\nTo add"),
            Some(PathBuf::from("/a b/c"))
        );
    }
}
