//! Object lookups through git: abbreviated ids resolved in batches (`cat-file --batch-check`,
//! `rev-parse --disambiguate`), subjects and committer dates of many commits in one `log`.

use std::collections::HashMap;

use bpf_policy::repo::{CommitInfo, Resolved};

use super::{GitCmd, lines};
use crate::RepoError;

/// What `cat-file --batch-check` said of a name.
enum Named {
    /// One object: its id, and the commit it peels to if any.
    One(String, Option<String>),
    Ambiguous,
    Missing,
}

impl GitCmd {
    /// Resolve every prefix (lowercase hex, 4 to 64 digits, checked by the caller) with a
    /// fixed number of processes whatever their count: one `cat-file --batch-check` for
    /// all, one `rev-parse --disambiguate` and one more `cat-file` for the ambiguous ones,
    /// one `log` for the subjects. None: nothing has that prefix.
    pub fn resolve_all(&self, prefixes: &[&str]) -> Result<Vec<Option<Resolved>>, RepoError> {
        if prefixes.is_empty() {
            return Ok(Vec::new());
        }
        // For each prefix: the object it names, then the commit it peels to.
        let named = self.types(prefixes)?;
        let mut objects: Vec<Vec<(String, Option<String>)>> = Vec::with_capacity(prefixes.len());
        let mut ambiguous = Vec::new();
        for (i, answer) in named.into_iter().enumerate() {
            match answer {
                Named::One(id, peeled) => objects.push(vec![(id, peeled)]),
                Named::Missing => objects.push(Vec::new()),
                Named::Ambiguous => {
                    ambiguous.push(i);
                    objects.push(Vec::new());
                }
            }
        }
        if !ambiguous.is_empty() {
            let args: Vec<String> = ambiguous
                .iter()
                .map(|&i| format!("--disambiguate={}", prefixes[i]))
                .collect();
            let mut full = vec!["rev-parse".to_owned()];
            full.extend(args);
            // git exits non-zero after listing the candidates of an ambiguous prefix.
            let out = self.run(&full, None)?;
            let candidates: Vec<String> = lines(&out.stdout).collect();
            let ids: Vec<&str> = candidates.iter().map(String::as_str).collect();
            let typed = self.types(&ids)?;
            for &i in &ambiguous {
                for (id, t) in candidates.iter().zip(&typed) {
                    if let Named::One(full_id, peeled) = t
                        && id.starts_with(prefixes[i])
                    {
                        objects[i].push((full_id.clone(), peeled.clone()));
                    }
                }
            }
        }
        let mut commit_ids: Vec<String> = objects
            .iter()
            .flatten()
            .filter_map(|(_, c)| c.clone())
            .collect();
        commit_ids.sort();
        commit_ids.dedup();
        let subjects = self.subjects(&commit_ids)?;
        Ok(objects
            .into_iter()
            .map(|objs| {
                let mut commits: Vec<CommitInfo> = Vec::new();
                for c in objs.iter().filter_map(|(_, c)| c.as_ref()) {
                    if !commits.iter().any(|k| &k.id == c) {
                        commits.push(CommitInfo {
                            id: c.clone(),
                            subject: subjects.get(c).cloned().unwrap_or_default(),
                        });
                    }
                }
                match objs.len() {
                    0 => None,
                    1 => Some(match commits.pop() {
                        Some(c) => Resolved::Commit(c),
                        None => Resolved::NotACommit,
                    }),
                    _ => Some(Resolved::Ambiguous(commits)),
                }
            })
            .collect())
    }

    /// What each name is, in one `cat-file --batch-check`: its full id and the commit it
    /// peels to, or that it is ambiguous or missing.
    fn types(&self, names: &[&str]) -> Result<Vec<Named>, RepoError> {
        let mut input = String::new();
        for n in names {
            input.push_str(n);
            input.push('\n');
            input.push_str(n);
            input.push_str("^{commit}\n");
        }
        let out = self.run_ok(
            &["cat-file", "--batch-check=%(objectname) %(objecttype)"],
            Some(input.as_bytes()),
        )?;
        let answers: Vec<String> = lines(&out).collect();
        Ok(answers
            .chunks(2)
            .map(|pair| {
                let [object, peeled] = pair else {
                    return Named::Missing;
                };
                let mut words = object.split_whitespace();
                match (words.next(), words.next()) {
                    (Some(_), Some("ambiguous")) => Named::Ambiguous,
                    (Some(_), Some("missing")) | (_, None) => Named::Missing,
                    (Some(id), Some(_)) => {
                        let mut p = peeled.split_whitespace();
                        let commit = match (p.next(), p.next()) {
                            (Some(c), Some("commit")) => Some(c.to_owned()),
                            _ => None,
                        };
                        Named::One(id.to_owned(), commit)
                    }
                    (None, _) => Named::Missing,
                }
            })
            .collect())
    }

    /// Committer dates (seconds since the epoch) of these commits, in one `git log`.
    pub fn commit_times(&self, ids: &[&str]) -> Result<HashMap<String, i64>, RepoError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut input = ids.join("\n");
        input.push('\n');
        let out = self.run_ok(
            &[
                "log",
                "--stdin",
                "--no-walk=unsorted",
                "--no-color",
                "--no-show-signature",
                "--format=%H %ct",
                "--",
            ],
            Some(input.as_bytes()),
        )?;
        Ok(lines(&out)
            .filter_map(|l| {
                let (id, t) = l.split_once(' ')?;
                Some((id.to_owned(), t.parse().ok()?))
            })
            .collect())
    }

    fn subjects(&self, ids: &[String]) -> Result<HashMap<String, String>, RepoError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        // On stdin: thousands of ids would not fit on a command line.
        let mut input = ids.join("\n");
        input.push('\n');
        let args = [
            "log",
            "--stdin",
            "--no-walk=unsorted",
            "-z",
            "--no-color",
            "--no-show-signature",
            "--format=%H%x00%s",
            "--",
        ];
        let out = self.run_ok(&args, Some(input.as_bytes()))?;
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

    /// Files of HEAD's tree by path, in two processes whatever their number: one
    /// `cat-file --batch-check` for every path's blob and size, one `cat-file --batch` for
    /// the blobs no larger than `max_bytes` (a larger one is never inflated). None for a path
    /// HEAD has no blob at (or an unborn HEAD), or too large.
    pub fn head_blobs(
        &self,
        paths: &[&str],
        max_bytes: u64,
    ) -> Result<Vec<Option<Vec<u8>>>, RepoError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut input = String::new();
        for p in paths {
            input.push_str("HEAD:");
            input.push_str(p);
            input.push('\n');
        }
        let check = [
            "cat-file",
            "--batch-check=%(objectname) %(objecttype) %(objectsize)",
        ];
        let out = self.run_ok(&check, Some(input.as_bytes()))?;
        // `<id> blob <size>`, or `HEAD:<path> missing` (the path may hold spaces).
        let wanted: Vec<Option<String>> = lines(&out)
            .map(|l| {
                let w: Vec<&str> = l.split(' ').collect();
                match w.as_slice() {
                    [id, "blob", size] => size
                        .parse::<u64>()
                        .ok()
                        .filter(|s| *s <= max_bytes)
                        .map(|_| (*id).to_owned()),
                    _ => None,
                }
            })
            .collect();
        if wanted.len() != paths.len() {
            return Err(RepoError::Git {
                args: check.join(" "),
                dir: self.git_dir.clone(),
                stderr: format!("{} answers for {} paths", wanted.len(), paths.len()),
            });
        }
        let ids: Vec<&str> = wanted.iter().flatten().map(String::as_str).collect();
        if ids.is_empty() {
            return Ok(vec![None; paths.len()]);
        }
        let mut input = ids.join("\n");
        input.push('\n');
        let out = self.run_ok(&["cat-file", "--batch"], Some(input.as_bytes()))?;
        // `<id> blob <size>\n<bytes>\n` for each, in the order asked.
        let mut contents = Vec::with_capacity(ids.len());
        let mut rest = out.as_slice();
        for _ in &ids {
            let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                break;
            };
            let header = String::from_utf8_lossy(&rest[..nl]);
            let size = header
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse::<usize>().ok())
                .filter(|s| nl + 1 + s <= rest.len());
            let Some(size) = size else {
                break;
            };
            contents.push(rest[nl + 1..nl + 1 + size].to_vec());
            rest = rest.get(nl + 2 + size..).unwrap_or_default();
        }
        if contents.len() != ids.len() {
            return Err(RepoError::Git {
                args: "cat-file --batch".to_owned(),
                dir: self.git_dir.clone(),
                stderr: format!("{} blobs read of {}", contents.len(), ids.len()),
            });
        }
        let mut contents = contents.into_iter();
        Ok(wanted
            .into_iter()
            .map(|w| w.and_then(|_| contents.next()))
            .collect())
    }

    /// The blob id of `name` at the top of HEAD's tree (from `ls-tree`, which does not read
    /// the blob); None when HEAD is unborn or the tree has no such blob.
    pub fn head_file_id(&self, name: &str) -> Result<Option<String>, RepoError> {
        let args = ["ls-tree", "-z", "HEAD", "--", name];
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
        // `<mode> blob <id>\t<name>\0`
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .split('\t')
            .next()
            .and_then(|meta| {
                let f: Vec<&str> = meta.split(' ').collect();
                (f.get(1) == Some(&"blob")).then(|| f.get(2).map(|s| s.to_string()))
            })
            .flatten())
    }

    /// A blob's bytes, by its full id.
    pub fn blob(&self, id: &str) -> Result<Vec<u8>, RepoError> {
        self.run_ok(&["cat-file", "blob", id], None)
    }

    /// A file at the top of HEAD's tree: its blob id and bytes; None when HEAD is unborn or
    /// the tree has no such blob.
    pub fn head_file(&self, name: &str) -> Result<Option<(String, Vec<u8>)>, RepoError> {
        match self.head_file_id(name)? {
            Some(id) => {
                let bytes = self.blob(&id)?;
                Ok(Some((id, bytes)))
            }
            None => Ok(None),
        }
    }
}
