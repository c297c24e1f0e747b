//! Commit listings through `git log`: the commits of a range with their messages and
//! authors, and HEAD's first-parent line.

use bpf_policy::item::Ident;

use super::GitCmd;
use crate::{CommitData, RepoError};

const LOG_FORMAT: &str = "--format=%H%x00%P%x00%an%x00%ae%x00%B";

impl GitCmd {
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
}
