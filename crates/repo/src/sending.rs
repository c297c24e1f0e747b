//! What sendemail-validate needs from the repository about a send: the send log
//! (`bpf-policy/sent.log` in the git directory, JSON lines, kept with [`crate::state`]) and
//! whether the series applies to the target tree's branch.

use std::path::Path;

use bpf_policy::sent::{Applies, SentEntry, TreeCheck};
use bpf_policy::tree::Tree;
use serde_json::{Value, json};

use crate::Repo;
use crate::gitcmd::run_command;
use crate::state::{StateDir, StateError};

const LOG: &str = "sent.log";

/// A target tree's ref older than this is not checked against (fetch it first).
const STALE_REF: i64 = 7 * 24 * 60 * 60;

/// The clock for the sending rules: `BPF_POLICY_NOW` (seconds since the epoch) in tests,
/// else the system's.
pub fn now() -> i64 {
    std::env::var("BPF_POLICY_NOW")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        })
}

/// The send log of a repository.
#[derive(Debug)]
pub struct SentLog {
    dir: Option<StateDir>,
    common_dir: std::path::PathBuf,
}

fn to_json(e: &SentEntry) -> String {
    json!({
        "time": e.time,
        "tree": e.tree,
        "version": e.version,
        "cover": e.cover,
        "subjects": e.subjects,
        "message_id": e.message_id,
    })
    .to_string()
}

fn from_json(line: &str) -> Option<SentEntry> {
    let v: Value = serde_json::from_str(line).ok()?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(SentEntry {
        time: v.get("time")?.as_i64()?,
        tree: s("tree"),
        version: v
            .get("version")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(1),
        cover: s("cover"),
        subjects: v
            .get("subjects")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        message_id: s("message_id"),
    })
}

impl SentLog {
    /// The log of the repository whose shared git directory is `common_dir`; nothing is
    /// created until an entry is added.
    pub fn open(common_dir: &Path) -> Result<SentLog, StateError> {
        Ok(SentLog {
            dir: StateDir::for_repo(common_dir, false)?,
            common_dir: common_dir.to_owned(),
        })
    }

    /// Every entry, oldest first (lines that do not parse are skipped).
    pub fn entries(&self) -> Result<Vec<SentEntry>, StateError> {
        let Some(dir) = &self.dir else {
            return Ok(Vec::new());
        };
        let Some(bytes) = dir.read(LOG)? else {
            return Ok(Vec::new());
        };
        Ok(String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(from_json)
            .collect())
    }

    /// Record a series that went out.
    pub fn add(&mut self, e: &SentEntry) -> Result<(), StateError> {
        if self.dir.is_none() {
            self.dir = StateDir::for_repo(&self.common_dir, true)?;
        }
        match &self.dir {
            Some(d) => d.append(LOG, format!("{}\n", to_json(e)).as_bytes()),
            None => Ok(()),
        }
    }

    /// Drop the entries named `series`: their number as `bpf-policy sent` lists them, or the
    /// series' title. Returns how many were dropped.
    pub fn forget(&self, series: &str) -> Result<usize, StateError> {
        let entries = self.entries()?;
        let index: Option<usize> = series.trim().parse().ok();
        let want = series.trim().to_lowercase();
        let is_gone = |i: usize, e: &SentEntry| {
            index == Some(i + 1) || e.title().trim().to_lowercase() == want
        };
        let gone = entries
            .iter()
            .enumerate()
            .filter(|(i, e)| is_gone(*i, e))
            .count();
        let kept: Vec<&SentEntry> = entries
            .iter()
            .enumerate()
            .filter(|(i, e)| !is_gone(*i, e))
            .map(|(_, e)| e)
            .collect();
        if gone == 0 {
            return Ok(0);
        }
        let text: String = kept.iter().map(|e| to_json(e) + "\n").collect();
        if let Some(d) = &self.dir {
            d.replace(LOG, text.as_bytes())?;
        }
        Ok(gone)
    }
}

impl Repo {
    /// The ref of the target tree's branch: `bpf-policy.treeRef`, else the remote-tracking
    /// branch (the remote's HEAD, master or main) of a remote whose URL names the tree.
    pub fn tree_ref(&self, tree: Tree) -> Option<String> {
        if let Some(r) = self.config.last("bpf-policy.treeref") {
            return Some(r.to_owned());
        }
        let remotes: Vec<&str> = self
            .config
            .entries()
            .filter(|e| crate::infer::tree_from_url(&e.value) == Some(tree))
            .filter_map(|e| e.key.strip_prefix("remote.")?.strip_suffix(".url"))
            .collect();
        for r in remotes {
            for b in ["HEAD", "master", "main"] {
                let name = format!("{r}/{b}");
                if self.cmd.rev_commit(&format!("refs/remotes/{name}")).is_ok() {
                    return Some(if b == "HEAD" { r.to_owned() } else { name });
                }
            }
        }
        None
    }

    /// Whether `patches` (origin, email bytes; in order) apply to the tip of `tree_ref`,
    /// checked with `git apply --cached` on a temporary index (never the work tree or the
    /// user's index), and whether the cover letter's `base_commit` is in its history.
    pub fn check_against(
        &self,
        tree_ref: Option<String>,
        patches: &[(String, Vec<u8>)],
        base_commit: Option<&str>,
        now: i64,
    ) -> TreeCheck {
        let skipped = |tree_ref: Option<String>, why: String| TreeCheck {
            tree_ref,
            applies: Applies::Skipped(why),
            foreign_base: None,
        };
        let Some(r) = tree_ref else {
            return skipped(
                None,
                "no ref for the target tree (a remote whose URL names it, or bpf-policy.treeRef)"
                    .into(),
            );
        };
        let Ok(tip) = self.cmd.rev_commit(&r) else {
            return skipped(Some(r.clone()), format!("{r} names no commit"));
        };
        let out = run_command(
            self.cmd.command(&["log", "-1", "--format=%ct", &tip], None),
            None,
        );
        let time: Option<i64> = out
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok());
        if time.is_none_or(|t| now - t > STALE_REF) {
            return skipped(
                Some(r.clone()),
                format!("{r} is more than 7 days old; fetch it to check against today's tree"),
            );
        }
        let foreign_base = base_commit.filter(|b| {
            !self.cmd.rev_commit(b).is_ok_and(|id| {
                run_command(
                    self.cmd
                        .command(&["merge-base", "--is-ancestor", &id, &tip], None),
                    None,
                )
                .is_ok_and(|o| o.status.success())
            })
        });
        let applies = self.apply_all(&tip, patches);
        TreeCheck {
            tree_ref: Some(r),
            applies,
            foreign_base: foreign_base.map(str::to_owned),
        }
    }

    fn apply_all(&self, tip: &str, patches: &[(String, Vec<u8>)]) -> Applies {
        let Ok(tmp) = tempfile::tempdir() else {
            return Applies::Skipped("no temporary directory for the index".into());
        };
        let index = tmp.path().join("index");
        let read_tree = || {
            run_command(self.cmd.command(&["read-tree", tip], Some(&index)), None)
                .is_ok_and(|o| o.status.success())
        };
        if !read_tree() {
            return Applies::Skipped(format!("git read-tree {tip} failed"));
        }
        // The whole series in one git apply (it applies the patches of its input in order);
        // only when that fails, one patch at a time on a fresh index, to name the patch.
        let mut all = Vec::new();
        for (_, b) in patches {
            all.extend_from_slice(b);
            all.push(b'\n');
        }
        let at_once = run_command(
            self.cmd.command(&["apply", "--cached", "-"], Some(&index)),
            Some(&all),
        );
        if at_once.is_ok_and(|o| o.status.success()) {
            return Applies::Yes;
        }
        if !read_tree() {
            return Applies::Skipped(format!("git read-tree {tip} failed"));
        }
        for (origin, bytes) in patches {
            let out = run_command(
                self.cmd.command(&["apply", "--cached", "-"], Some(&index)),
                Some(bytes),
            );
            match out {
                Ok(o) if o.status.success() => {}
                Ok(o) => {
                    let err = String::from_utf8_lossy(&o.stderr);
                    let detail = err
                        .lines()
                        .map(|l| l.trim_start_matches("error: ").trim())
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join("; ");
                    return Applies::No {
                        origin: origin.clone(),
                        detail,
                    };
                }
                Err(e) => return Applies::Skipped(format!("git apply could not run: {e}")),
            }
        }
        Applies::Yes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_round_trip_and_forget() -> Result<(), Box<dyn std::error::Error>> {
        let t = tempfile::tempdir()?;
        let mut log = SentLog::open(t.path())?;
        assert!(log.entries()?.is_empty());
        let e = |t: i64, cover: &str| SentEntry {
            time: t,
            tree: Some("bpf-next".into()),
            version: 1,
            cover: Some(cover.into()),
            subjects: vec!["bpf: a".into()],
            message_id: None,
        };
        log.add(&e(1, "bpf: One"))?;
        log.add(&e(2, "bpf: Two"))?;
        assert_eq!(log.entries()?, vec![e(1, "bpf: One"), e(2, "bpf: Two")]);
        assert_eq!(log.forget("bpf: one")?, 1);
        assert_eq!(log.entries()?, vec![e(2, "bpf: Two")]);
        assert_eq!(log.forget("1")?, 1);
        assert!(log.entries()?.is_empty());
        Ok(())
    }
}
