//! Changed files through git: every commit's files against its first parent in one
//! `diff-tree --stdin`, the index against HEAD, and the `--name-status -z` parser both share.

use std::collections::HashMap;
use std::path::Path;

use bpf_policy::item::{ChangeStatus, FileChange};

use super::{GitCmd, lines, run_command};
use crate::{CommitData, RepoError};

impl GitCmd {
    /// Every commit's files against its first parent, in one `git diff-tree --stdin`.
    pub fn fill_files(
        &self,
        commits: &mut [(CommitData, Option<String>)],
    ) -> Result<(), RepoError> {
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
        lines(&out).next().ok_or_else(|| RepoError::Git {
            args: "hash-object -t tree --stdin".to_owned(),
            dir: self.git_dir.clone(),
            stderr: "no output".to_owned(),
        })
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
}
