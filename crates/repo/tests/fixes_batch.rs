//! Fixes: facts answered in batches, against real git repositories made with fast-import
//! (no commit-graph): many targets on the main line, on a merged branch, on a branch never
//! merged, behind commits with skewed dates, and ambiguous and missing ids, all asked in one
//! call and compared with an oracle built from the history the test wrote.

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use bpf_policy::repo::{AncestryQuery, RepoFacts, Resolved};
use bpf_policy_repo::Repo;

type TestResult = Result<(), Box<dyn Error>>;

const BASE: i64 = 1_600_000_000;
const YEAR: i64 = 365 * 24 * 3600;

fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Result<String, Box<dyn Error>> {
    let mut c = Command::new("git");
    c.current_dir(dir).args(args);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            c.env_remove(&key);
        }
    }
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn()?;
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or_default())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// The history written: commit marks in order, with their parents, dates and subjects.
struct History {
    parents: Vec<Vec<usize>>,
    names: Vec<String>,
    ids: Vec<String>,
}

impl History {
    fn add(
        &mut self,
        stream: &mut String,
        branch: &str,
        name: String,
        parents: &[usize],
        time: i64,
    ) -> usize {
        let mark = self.parents.len();
        stream.push_str(&format!(
            "commit refs/heads/{branch}\nmark :{}\ncommitter C O Mitter <c@example.org> {time} +0000\n",
            mark + 1
        ));
        let msg = format!("bpf: {name}\n");
        stream.push_str(&format!("data {}\n{msg}", msg.len()));
        for (i, p) in parents.iter().enumerate() {
            let verb = if i == 0 { "from" } else { "merge" };
            stream.push_str(&format!("{verb} :{}\n", p + 1));
        }
        stream.push('\n');
        self.parents.push(parents.to_vec());
        self.names.push(name);
        mark
    }

    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(&self.parents[n]);
            }
        }
        false
    }
}

/// The history, and the marks of its main line, merged branch and unmerged branch.
type Built = (History, Vec<usize>, Vec<usize>, Vec<usize>);

/// Main line m0..m1199 (more than the in-process walk reads before git takes over), a branch from m150 merged at m200, a branch from m100 never merged,
/// m250..m253 dated ten years back, m260 dated a century ahead.
fn build(dir: &Path, init: &[&str]) -> Result<Built, Box<dyn Error>> {
    let mut args = vec!["init", "-q", "-b", "master"];
    args.extend(init);
    args.push(".");
    std::fs::create_dir_all(dir)?;
    git(dir, &args, None)?;
    git(dir, &["config", "gc.auto", "0"], None)?;
    let mut h = History {
        parents: Vec::new(),
        names: Vec::new(),
        ids: Vec::new(),
    };
    let mut s = String::new();
    let (mut main, mut merged, mut side) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..1200usize {
        let t = BASE + i64::try_from(i)? * 3600;
        if i == 151 {
            let mut prev = main[150];
            for j in 0..20 {
                prev = h.add(&mut s, "merged", format!("merged {j}"), &[prev], t + 60 * j);
                merged.push(prev);
            }
        }
        if i == 101 {
            let mut prev = main[100];
            for j in 0..30 {
                prev = h.add(&mut s, "side", format!("side {j}"), &[prev], t + 60 * j);
                side.push(prev);
            }
        }
        let time = match i {
            250..=253 => t - 10 * YEAR,
            260 => t + 100 * YEAR,
            _ => t,
        };
        let parents: Vec<usize> = match (i, main.last()) {
            (0, _) | (_, None) => vec![],
            (200, Some(&p)) => vec![p, *merged.last().ok_or("no merged branch")?],
            (_, Some(&p)) => vec![p],
        };
        main.push(h.add(&mut s, "master", format!("main {i}"), &parents, time));
    }
    git(dir, &["fast-import", "--quiet"], Some(s.as_bytes()))?;
    let marks = git(
        dir,
        &["rev-list", "--all", "--format=%H %s", "--no-commit-header"],
        None,
    )?;
    let by_subject: HashMap<&str, &str> = marks
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(id, subj)| (subj, id))
        .collect();
    for name in &h.names {
        let id = by_subject
            .get(format!("bpf: {name}").as_str())
            .ok_or("commit not written")?;
        h.ids.push((*id).to_owned());
    }
    git(dir, &["reset", "-q", "--hard", "master"], None)?;
    Ok((h, main, merged, side))
}

fn check(dir: &Path, init: &[&str], with_graph: bool) -> TestResult {
    let (h, main, merged, side) = build(dir, init)?;
    if with_graph {
        git(dir, &["commit-graph", "write", "--reachable"], None)?;
    }
    assert_eq!(
        dir.join(".git/objects/info/commit-graph").exists(),
        with_graph
    );
    let repo = Repo::open(dir)?;
    let head = *main.last().ok_or("no main line")?;

    // Every commit against HEAD, and a range's worth of (target, descendant) pairs.
    let mut pairs: Vec<(usize, Option<usize>)> = (0..h.ids.len()).map(|c| (c, None)).collect();
    for (k, &d) in main.iter().enumerate().step_by(7) {
        for t in [
            main[k.saturating_sub(1)],
            main[k / 2],
            main[(k + 3).min(main.len() - 1)],
            main[260],
            main[249],
            side[5],
            merged[10],
        ] {
            pairs.push((t, Some(d)));
        }
    }
    pairs.push((main[249], Some(main[253])));
    pairs.push((main[254], Some(main[253])));
    let queries: Vec<AncestryQuery<'_>> = pairs
        .iter()
        .map(|&(t, d)| AncestryQuery {
            ancestor: &h.ids[t],
            descendant: d.map(|d| h.ids[d].as_str()),
        })
        .collect();
    let got = repo.ancestors(&queries);
    let mut wrong = Vec::new();
    for (&(t, d), answer) in pairs.iter().zip(&got) {
        let want = h.reaches(d.unwrap_or(head), t);
        if *answer != Some(want) {
            wrong.push(format!(
                "{} in {}: got {answer:?}",
                h.names[t],
                d.map_or("HEAD", |d| h.names[d].as_str())
            ));
        }
    }
    assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
    // The skewed ones alone, so no other target or skew seen on the way moves the walk's
    // stopping date: m253..m250 (ten years back) stand between m254 and m249; m260 is dated
    // a century after HEAD.
    assert_eq!(
        repo.is_ancestor(&h.ids[main[249]], Some(&h.ids[main[258]])),
        Some(true)
    );
    assert_eq!(
        repo.is_ancestor(&h.ids[main[248]], Some(&h.ids[main[254]])),
        Some(true)
    );
    assert_eq!(repo.is_ancestor(&h.ids[main[260]], None), Some(true));
    assert_eq!(
        repo.is_ancestor(&h.ids[main[260]], Some(&h.ids[main[259]])),
        Some(false)
    );
    assert_eq!(repo.is_ancestor(&h.ids[side[29]], None), Some(false));
    assert_eq!(repo.is_ancestor(&h.ids[merged[0]], None), Some(true));

    // Every id in one call: 12 digits, full ids, an ambiguous prefix, a missing one. Root
    // commits on other branches until two objects share their first four digits.
    let mut extra = 0;
    while !shares_four_digits(dir)? {
        let mut s = String::new();
        let branch = extra / 50;
        for _ in 0..50 {
            extra += 1;
            let msg = format!("extra {extra}\n");
            s.push_str(&format!(
                "commit refs/heads/extra{}\ncommitter C <c@example.org> {BASE} +0000\ndata {}\n{msg}\n",
                branch,
                msg.len()
            ));
        }
        git(dir, &["fast-import", "--quiet"], Some(s.as_bytes()))?;
    }
    let repo = Repo::open(dir)?;
    let objects = git(
        dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname)",
        ],
        None,
    )?;
    let all: Vec<&str> = objects.lines().collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for id in &all {
        *count.entry(&id[..4]).or_default() += 1;
    }
    let ambiguous = count.iter().find(|(_, n)| **n > 1).map(|(p, _)| *p);
    assert!(ambiguous.is_some(), "two objects share four digits");
    let missing = (0..u16::MAX)
        .map(|n| format!("{n:04x}00000000"))
        .find(|p| !all.iter().any(|id| id.starts_with(&p[..4])))
        .ok_or("every prefix taken")?;
    let mut asked: Vec<String> = h.ids.iter().map(|id| id[..12].to_owned()).collect();
    asked.extend(h.ids.iter().take(5).map(|id| id.to_uppercase()));
    asked.push(missing.clone());
    asked.extend(ambiguous.map(str::to_owned));
    let refs: Vec<&str> = asked.iter().map(String::as_str).collect();
    let resolved = repo.resolve_all(&refs);
    assert_eq!(resolved.len(), refs.len());
    for (i, r) in resolved.iter().enumerate() {
        let c = i % h.ids.len();
        match (i, r) {
            (i, Resolved::Commit(got)) if i < h.ids.len() + 5 => {
                assert_eq!(got.id, h.ids[c]);
                assert_eq!(got.subject, format!("bpf: {}", h.names[c]));
            }
            (i, Resolved::Missing(_)) if refs[i] == missing => {}
            (i, Resolved::Ambiguous(cands)) if Some(refs[i]) == ambiguous => {
                assert!(cands.len() <= count[refs[i]]);
                for cand in cands {
                    assert!(cand.id.starts_with(refs[i]), "{cand:?}");
                    assert!(all.contains(&cand.id.as_str()), "{cand:?}");
                }
            }
            (i, other) => return Err(format!("{}: {other:?}", refs[i]).into()),
        }
    }
    Ok(())
}

fn shares_four_digits(dir: &Path) -> Result<bool, Box<dyn Error>> {
    let objects = git(
        dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname)",
        ],
        None,
    )?;
    let mut seen = HashSet::new();
    Ok(!objects.lines().all(|id| seen.insert(&id[..4])))
}

#[test]
fn many_tags_through_libgit2() -> TestResult {
    let tmp = tempfile::tempdir()?;
    check(&tmp.path().join("r"), &[], false)?;
    check(&tmp.path().join("g"), &[], true)
}

#[test]
fn many_tags_through_git() -> TestResult {
    let tmp = tempfile::tempdir()?;
    check(&tmp.path().join("r"), &["--object-format=sha256"], false)
}

/// A tag name that is not UTF-8 (Latin-1 here) once hid every release tag: libgit2's name
/// iterator failed, and git's output was dropped whole on its one bad byte, so merge-window
/// went silent.
#[test]
fn latin1_tag_name_hides_no_release_tag() -> TestResult {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir()?;
    for (name, init) in [
        ("files", &[][..]),
        ("reftable", &["--ref-format=reftable"][..]),
    ] {
        let dir = tmp.path().join(name);
        let mut args = vec!["init", "-q", "-b", "master"];
        args.extend(init);
        args.push(".");
        std::fs::create_dir_all(&dir)?;
        git(&dir, &args, None)?;
        let stream = format!(
            "commit refs/heads/master\ncommitter C <c@example.org> {BASE} +0000\ndata 4\none\n\n"
        );
        git(&dir, &["fast-import", "--quiet"], Some(stream.as_bytes()))?;
        for tag in ["v6.12", "v6.13-rc1"] {
            git(&dir, &["tag", tag, "master"], None)?;
        }
        let status = Command::new("git")
            .current_dir(&dir)
            .env("HOME", &dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .arg("tag")
            .arg(std::ffi::OsStr::from_bytes(b"v6.13-caf\xe9"))
            .arg("master")
            .status()?;
        assert!(status.success());
        let repo = Repo::open(&dir)?;
        let mut tags = repo.release_tags();
        tags.sort();
        assert_eq!(tags, vec!["v6.12", "v6.13-rc1"], "{name}");
    }
    Ok(())
}
