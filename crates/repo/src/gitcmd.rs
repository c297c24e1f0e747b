//! The git command backend: every repository git itself can use, including those libgit2
//! cannot open (SHA-256 objects, reftable refs, unknown extensions, ownership it rejects).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use bpf_policy::item::{ChangeStatus, FileChange, Ident};
use bpf_policy::repo::{CommitInfo, Resolved};

use crate::config::{Entry, parse_config_z};
use crate::{CommitData, RepoError};

const LOG_FORMAT: &str = "--format=%H%x00%P%x00%an%x00%ae%x00%B";

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

fn run_command(mut c: Command, stdin: Option<&[u8]>) -> Result<Output, RepoError> {
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

fn lines(bytes: &[u8]) -> impl Iterator<Item = &str> {
    std::str::from_utf8(bytes)
        .unwrap_or("")
        .lines()
        .map(str::trim)
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

    fn command<S: AsRef<OsStr>>(&self, args: &[S], index_file: Option<&Path>) -> Command {
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

    pub fn head_ref(&self) -> Result<Option<String>, RepoError> {
        let out = self.run(&["symbolic-ref", "-q", "HEAD"], None)?;
        match out.status.code() {
            Some(0) => Ok(lines(&out.stdout).next().map(str::to_owned)),
            Some(1) => Ok(None),
            _ => Err(self.failed(&["symbolic-ref", "-q", "HEAD"], &out)),
        }
    }

    /// HEAD's `MAINTAINERS` blob: its id and bytes; None when HEAD is unborn or has none.
    pub fn head_maintainers(&self) -> Result<Option<(String, Vec<u8>)>, RepoError> {
        let args = ["ls-tree", "-z", "HEAD", "--", "MAINTAINERS"];
        let out = self.run(&args, None)?;
        if !out.status.success() {
            // An unborn HEAD is no tree at all.
            if self
                .run(&["rev-parse", "-q", "--verify", "HEAD^{tree}"], None)?
                .status
                .success()
            {
                return Err(self.failed(&args, &out));
            }
            return Ok(None);
        }
        // `<mode> blob <id>\tMAINTAINERS\0`
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(id) = text
            .split('\t')
            .next()
            .and_then(|meta| {
                let f: Vec<&str> = meta.split(' ').collect();
                (f.get(1) == Some(&"blob")).then(|| f.get(2).map(|s| s.to_string()))
            })
            .flatten()
        else {
            return Ok(None);
        };
        let bytes = self.run_ok(&["cat-file", "blob", id.as_str()], None)?;
        Ok(Some((id, bytes)))
    }

    /// A commit's author.
    pub fn author(&self, id: &str) -> Result<Option<Ident>, RepoError> {
        let out = self.run(
            &["log", "-1", "--no-walk", "--format=%an%x00%ae", id, "--"],
            None,
        )?;
        if !out.status.success() {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.trim_end_matches('\n');
        Ok(line.split_once('\0').map(|(n, e)| Ident {
            name: n.to_owned(),
            email: e.to_owned(),
        }))
    }

    /// `prefix`: lowercase hex, 4 to 64 digits (checked by the caller).
    pub fn resolve(&self, prefix: &str) -> Result<Option<Resolved>, RepoError> {
        let arg = format!("--disambiguate={prefix}");
        let ids: Vec<String> = lines(&self.run_ok(&["rev-parse", arg.as_str()], None)?)
            .map(str::to_owned)
            .collect();
        if ids.is_empty() {
            return Ok(None);
        }
        // For each object its type, then the commit it peels to (or "missing").
        let mut input = String::new();
        for id in &ids {
            input.push_str(id);
            input.push('\n');
            input.push_str(id);
            input.push_str("^{commit}\n");
        }
        let out = self.run_ok(
            &["cat-file", "--batch-check=%(objectname) %(objecttype)"],
            Some(input.as_bytes()),
        )?;
        let answers: Vec<&str> = std::str::from_utf8(&out).unwrap_or("").lines().collect();
        let mut commit_ids: Vec<String> = Vec::new();
        for pair in answers.chunks(2) {
            if let [_, peeled] = pair {
                let mut words = peeled.split_whitespace();
                if let (Some(id), Some("commit")) = (words.next(), words.next())
                    && !commit_ids.iter().any(|c| c == id)
                {
                    commit_ids.push(id.to_owned());
                }
            }
        }
        let subjects = self.subjects(&commit_ids)?;
        let mut commits: Vec<CommitInfo> = commit_ids
            .into_iter()
            .map(|id| CommitInfo {
                subject: subjects.get(&id).cloned().unwrap_or_default(),
                id,
            })
            .collect();
        Ok(Some(match ids.len() {
            1 => match commits.pop() {
                Some(c) => Resolved::Commit(c),
                None => Resolved::NotACommit,
            },
            _ => Resolved::Ambiguous(commits),
        }))
    }

    fn subjects(&self, ids: &[String]) -> Result<HashMap<String, String>, RepoError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut args: Vec<&str> = vec![
            "log",
            "--no-walk=unsorted",
            "-z",
            "--no-color",
            "--no-show-signature",
            "--format=%H%x00%s",
        ];
        args.extend(ids.iter().map(String::as_str));
        args.push("--");
        let out = self.run_ok(&args, None)?;
        let fields: Vec<&[u8]> = out.split(|&b| b == 0).collect();
        Ok(fields
            .chunks(2)
            .filter_map(|p| match p {
                [id, subject] => Some((
                    String::from_utf8_lossy(id).into_owned(),
                    String::from_utf8_lossy(subject).into_owned(),
                )),
                _ => None,
            })
            .collect())
    }

    /// None when it cannot be told (unborn HEAD, unknown id).
    pub fn is_ancestor(
        &self,
        ancestor: &str,
        descendant: Option<&str>,
    ) -> Result<Option<bool>, RepoError> {
        let descendant = descendant.unwrap_or("HEAD");
        if ancestor.starts_with('-') || descendant.starts_with('-') {
            return Ok(None);
        }
        let out = self.run(&["merge-base", "--is-ancestor", ancestor, descendant], None)?;
        Ok(match out.status.code() {
            Some(0) => Some(true),
            Some(1) => Some(false),
            _ => None,
        })
    }

    pub fn tag_names(&self) -> Result<Vec<String>, RepoError> {
        let out = self.run_ok(
            &["for-each-ref", "--format=%(refname)", "refs/tags/v*"],
            None,
        )?;
        Ok(lines(&out)
            .filter_map(|l| l.strip_prefix("refs/tags/"))
            .map(str::to_owned)
            .collect())
    }

    /// Ids the refs below `prefix` (ending in `/`) point at.
    pub fn ref_ids(&self, prefix: &str) -> Result<Vec<String>, RepoError> {
        let pattern = prefix.trim_end_matches('/');
        let out = self.run_ok(&["for-each-ref", "--format=%(objectname)", pattern], None)?;
        Ok(lines(&out).map(str::to_owned).collect())
    }

    /// The full id of a revision's commit.
    pub fn rev_commit(&self, rev: &str) -> Result<String, RepoError> {
        if rev.starts_with('-') {
            return Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "a revision cannot start with '-'".to_owned(),
            });
        }
        let peeled = format!("{rev}^{{commit}}");
        let out = self.run(&["rev-parse", "--verify", "-q", &peeled], None)?;
        match lines(&out.stdout).next() {
            Some(id) if out.status.success() => Ok(id.to_owned()),
            _ => Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "no such commit in this repository".to_owned(),
            }),
        }
    }

    /// Commits listed by `git log` for these revision arguments, oldest first.
    /// `revs` must not hold options other than `--not`, `--glob=` and `--ignore-missing`.
    pub fn commits(&self, revs: &[String], no_walk: bool) -> Result<Vec<CommitData>, RepoError> {
        let mut args: Vec<&str> = vec![
            "log",
            "-z",
            "--no-color",
            "--no-show-signature",
            "--no-mailmap",
            LOG_FORMAT,
        ];
        if no_walk {
            args.push("--no-walk");
        } else {
            args.extend(["--topo-order", "--reverse"]);
        }
        args.extend(revs.iter().map(String::as_str));
        args.push("--");
        let out = self.run_ok(&args, None)?;
        let fields: Vec<&[u8]> = out.split(|&b| b == 0).collect();
        let mut commits = Vec::new();
        for rec in fields.chunks(5) {
            let [id, parents, name, email, message] = rec else {
                continue;
            };
            let parents: Vec<String> = String::from_utf8_lossy(parents)
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            commits.push((
                CommitData {
                    id: String::from_utf8_lossy(id).into_owned(),
                    message: message.to_vec(),
                    author: Ident {
                        name: String::from_utf8_lossy(name).into_owned(),
                        email: String::from_utf8_lossy(email).into_owned(),
                    },
                    parent_count: parents.len(),
                    files: Vec::new(),
                },
                parents.into_iter().next(),
            ));
        }
        self.fill_files(&mut commits)?;
        Ok(commits.into_iter().map(|(c, _)| c).collect())
    }

    /// Every commit's files against its first parent, in one `git diff-tree --stdin`.
    fn fill_files(&self, commits: &mut [(CommitData, Option<String>)]) -> Result<(), RepoError> {
        if commits.is_empty() {
            return Ok(());
        }
        let mut input = String::new();
        for (c, first_parent) in commits.iter() {
            input.push_str(&c.id);
            if let Some(p) = first_parent {
                input.push(' ');
                input.push_str(p);
            }
            input.push('\n');
        }
        let out = self.run_ok(
            &[
                "diff-tree",
                "--stdin",
                "-z",
                "-r",
                "-M",
                "--root",
                "--always",
                "--no-ext-diff",
                "--name-status",
            ],
            Some(input.as_bytes()),
        )?;
        let index: HashMap<String, usize> = commits
            .iter()
            .enumerate()
            .map(|(i, (c, _))| (c.id.clone(), i))
            .collect();
        let mut current: Option<usize> = None;
        let mut tokens = out.split(|&b| b == 0);
        while let Some(tok) = tokens.next() {
            if tok.is_empty() {
                continue;
            }
            let tok = String::from_utf8_lossy(tok);
            if let Some(&i) = index.get(tok.as_ref()) {
                current = Some(i);
                continue;
            }
            let Some(change) = name_status(&tok, &mut tokens) else {
                continue;
            };
            if let Some(i) = current {
                commits[i].0.files.push(change);
            }
        }
        Ok(())
    }

    /// The index against HEAD, or for an amend against HEAD's parent (the empty tree when
    /// HEAD is a root commit).
    pub fn staged(
        &self,
        index_file: Option<&Path>,
        amend: bool,
    ) -> Result<Vec<FileChange>, RepoError> {
        let mut args: Vec<String> = [
            "diff",
            "--cached",
            "-z",
            "--name-status",
            "-M",
            "--no-ext-diff",
            "--no-color",
        ]
        .map(str::to_owned)
        .to_vec();
        if amend {
            args.push(match self.rev_commit("HEAD^") {
                Ok(parent) => parent,
                Err(_) => self.empty_tree()?,
            });
            args.push("--".to_owned());
        }
        let out = run_command(self.command(&args, index_file), None)?;
        if !out.status.success() {
            return Err(self.failed(&args, &out));
        }
        let mut tokens = out.stdout.split(|&b| b == 0);
        let mut files = Vec::new();
        while let Some(tok) = tokens.next() {
            if tok.is_empty() {
                continue;
            }
            if let Some(change) = name_status(&String::from_utf8_lossy(tok), &mut tokens) {
                files.push(change);
            }
        }
        Ok(files)
    }

    /// The id of the empty tree in this repository's object format.
    fn empty_tree(&self) -> Result<String, RepoError> {
        let out = self.run_ok(&["hash-object", "-t", "tree", "--stdin"], Some(b""))?;
        lines(&out)
            .next()
            .map(str::to_owned)
            .ok_or_else(|| RepoError::Git {
                args: "hash-object -t tree --stdin".to_owned(),
                dir: self.git_dir.clone(),
                stderr: "no output".to_owned(),
            })
    }

    /// The commit `rev` peels to; None for trees, blobs and tags of them; an error when the
    /// object is not here.
    pub fn commit_of(&self, rev: &str) -> Result<Option<String>, RepoError> {
        let out = self.run(&["cat-file", "-t", rev], None)?;
        if !out.status.success() {
            return Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "no such object in this repository".to_owned(),
            });
        }
        Ok(self.rev_commit(rev).ok())
    }

    /// See `libgit::public_commit_ids`.
    pub fn public_commit_ids(&self, except: &[&str]) -> Result<Vec<String>, RepoError> {
        let out = self.run_ok(
            &[
                "for-each-ref",
                "--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)",
                "refs/remotes/",
                "refs/tags/",
            ],
            None,
        )?;
        let mut ids = Vec::new();
        for line in out.split(|&b| b == b'\n') {
            let fields: Vec<&[u8]> = line.split(|&b| b == 0).collect();
            let [name, kind, id, peeled_kind, peeled] = fields.as_slice() else {
                continue;
            };
            if except.iter().any(|e| e.as_bytes() == *name) {
                continue;
            }
            let id = match (*kind, *peeled_kind) {
                (b"commit", _) => id,
                (b"tag", b"commit") => peeled,
                // A tag of a tag of a commit is left out: its commits are checked, which
                // costs time, never a miss.
                _ => continue,
            };
            ids.push(String::from_utf8_lossy(id).into_owned());
        }
        Ok(ids)
    }

    pub fn first_parent_messages(&self, limit: usize) -> Result<Vec<(usize, Vec<u8>)>, RepoError> {
        let n = format!("-n{limit}");
        let args = [
            "log",
            "-z",
            "--first-parent",
            "--no-color",
            "--no-show-signature",
            n.as_str(),
            "--format=%P%x00%B",
            "HEAD",
            "--",
        ];
        let out = self.run(&args, None)?;
        if !out.status.success() {
            // Unborn HEAD: no history to look through.
            if self.rev_commit("HEAD").is_err() {
                return Ok(Vec::new());
            }
            return Err(self.failed(&args, &out));
        }
        let fields: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
        let mut msgs = Vec::new();
        for rec in fields.chunks(2) {
            if let [parents, message] = rec {
                let count = String::from_utf8_lossy(parents).split_whitespace().count();
                msgs.push((count, message.to_vec()));
                if count != 1 {
                    break;
                }
            }
        }
        Ok(msgs)
    }
}

/// One `--name-status -z` entry: a status token, then one path (two for renames and copies).
fn name_status<'a, I>(status: &str, tokens: &mut I) -> Option<FileChange>
where
    I: Iterator<Item = &'a [u8]>,
{
    let mut path = || {
        tokens
            .next()
            .map(|p| String::from_utf8_lossy(p).into_owned())
    };
    let kind = match status.chars().next()? {
        'A' => ChangeStatus::Added,
        'D' => ChangeStatus::Deleted,
        'R' | 'C' => {
            let _old = path()?;
            return Some(FileChange {
                path: path()?,
                status: ChangeStatus::Renamed,
            });
        }
        'M' | 'T' | 'U' | 'X' => ChangeStatus::Modified,
        _ => return None,
    };
    Some(FileChange {
        path: path()?,
        status: kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_status_entries() {
        let out = b"M\0a b\0R087\0old\0new\0A\0x\0D\0gone\0";
        let mut tokens = out.split(|&b| b == 0);
        let mut got = Vec::new();
        while let Some(t) = tokens.next() {
            if t.is_empty() {
                continue;
            }
            if let Some(c) = name_status(&String::from_utf8_lossy(t), &mut tokens) {
                got.push((c.path, c.status));
            }
        }
        assert_eq!(
            got,
            vec![
                ("a b".to_owned(), ChangeStatus::Modified),
                ("new".to_owned(), ChangeStatus::Renamed),
                ("x".to_owned(), ChangeStatus::Added),
                ("gone".to_owned(), ChangeStatus::Deleted),
            ]
        );
    }

    #[test]
    fn dubious() {
        assert_eq!(
            dubious_path("fatal: detected dubious ownership in repository at '/a b/c'\nTo add"),
            Some(PathBuf::from("/a b/c"))
        );
    }
}
