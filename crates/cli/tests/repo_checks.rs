//! Repository-aware checks through the command: Fixes: verified against real git history,
//! the target tree inferred from the repository, commit ranges, the merge window.

use std::path::Path;
use std::process::Output;

use bpf_policy_e2e::{Repo, TestResult, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_bpf-policy");
const SOB: &str = "Signed-off-by: A U Thor <author@example.org>";
const WHY: &str = "The error path dropped a reference the caller still held, so the map was\nfreed twice. Keep the reference until the caller is done with it.";

fn run(r: &Repo, dir: &Path, args: &[&str]) -> Result<Output, std::io::Error> {
    r.cmd(BIN).current_dir(dir).args(args).output()
}

/// `bpf-policy check --format json` with `args`, in the repository's work tree.
fn check_json(r: &Repo, args: &[&str]) -> Result<Output, std::io::Error> {
    r.cmd(BIN)
        .current_dir(r.path())
        .args(["check", "--format", "json"])
        .args(args)
        .output()
}

/// (rule, severity, message) of each diagnostic.
fn diags(out: &Output) -> Vec<(String, String, String)> {
    stdout(out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            (
                s("rule"),
                s("severity"),
                format!("{} | {}", s("message"), s("help")),
            )
        })
        .collect()
}

fn message_file(r: &Repo, body: &str) -> Result<String, std::io::Error> {
    let p = r.path().join("msg.txt");
    std::fs::write(&p, body)?;
    Ok(p.to_string_lossy().into_owned())
}

fn fix_message(fixes: &str) -> String {
    format!("bpf: Fix a double free\n\n{WHY}\n\n{fixes}\n{SOB}\n")
}

/// master: base, bug; side branch: side commit.
fn history(r: &Repo) -> Result<(String, String), Box<dyn std::error::Error>> {
    r.commit(
        "kernel/bpf/syscall.c",
        "0\n",
        &format!("bpf: Base\n\nBase.\n\n{SOB}"),
    )?;
    r.git(&["checkout", "-q", "-b", "side"])?;
    let side = r.commit(
        "kernel/bpf/side.c",
        "s\n",
        &format!("bpf: Side work\n\nSide.\n\n{SOB}"),
    )?;
    r.git(&["checkout", "-q", "master"])?;
    let bug = r.commit(
        "kernel/bpf/syscall.c",
        "1\n",
        &format!("bpf: Add map refcounting\n\nAdd it.\n\n{SOB}"),
    )?;
    Ok((bug, side))
}

#[test]
fn fixes_tags_are_verified_against_history() -> TestResult {
    let r = Repo::new()?;
    let (bug, side) = history(&r)?;
    let check = |msg: &str| -> Result<Output, Box<dyn std::error::Error>> {
        Ok(check_json(
            &r,
            &["--as", "message", &message_file(&r, msg)?],
        )?)
    };

    let out = check(&fix_message(&format!(
        "Fixes: {} (\"bpf: Add map refcounting\")",
        &bug[..12]
    )))?;
    assert_eq!((out.status.code(), diags(&out)), (Some(0), vec![]));
    // Unicode quotes and an ellipsis are fine.
    let out = check(&fix_message(&format!(
        "Fixes: {} (\"bpf: Add map refcount...\")",
        &bug[..12]
    )))?;
    assert_eq!(diags(&out), vec![]);

    let out = check(&fix_message(&format!(
        "Fixes: {} (\"bpf: Add map counting\")",
        &bug[..12]
    )))?;
    assert_eq!(out.status.code(), Some(1));
    let d = diags(&out);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].0, "fixes-commit");
    assert!(
        d[0].2.contains(&format!(
            "Fixes: {} (\"bpf: Add map refcounting\")",
            &bug[..12]
        )),
        "{d:?}"
    );

    // 8 hex digits: a format error, but the commit is still found and checked.
    let out = check(&fix_message(&format!(
        "Fixes: {} (\"bpf: Add map refcounting\")",
        &bug[..8]
    )))?;
    let rules: Vec<String> = diags(&out).into_iter().map(|d| d.0).collect();
    assert_eq!(rules, vec!["fixes-format"]);

    let out = check(&fix_message(&format!(
        "Fixes: {} (\"bpf: Side work\")",
        &side[..12]
    )))?;
    let d = diags(&out);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].0 == "fixes-commit" && d[0].1 == "error" && d[0].2.contains("not an ancestor"),
        "{d:?}"
    );

    let out = check(&fix_message(
        "Fixes: 0123456789ab (\"bpf: Something from another tree\")",
    ))?;
    assert_eq!(out.status.code(), Some(0));
    let d = diags(&out);
    assert!(
        d.len() == 1 && d[0].1 == "warning" && d[0].2.contains("could not verify"),
        "{d:?}"
    );
    Ok(())
}

#[test]
fn ambiguous_ids_list_the_candidates() -> TestResult {
    let r = Repo::new()?;
    // Enough commits that two share a four-digit prefix, made fast with fast-import.
    let mut script = String::new();
    for i in 0..3000 {
        script.push_str(&format!(
            "commit refs/heads/master\ncommitter A <a@b> {} +0000\ndata <<EOF\nbpf: Commit {i}\n\nBody.\nEOF\n\n",
            1_700_000_000 + i
        ));
    }
    let mut child = r
        .cmd("git")
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    std::io::Write::write_all(child.stdin.as_mut().ok_or("no stdin")?, script.as_bytes())?;
    assert!(child.wait()?.success());
    r.git(&["reset", "-q", "--hard", "master"])?;
    let ids = r.git(&["rev-list", "master"])?;
    let mut seen = std::collections::HashMap::new();
    let mut prefix = None;
    for id in ids.lines() {
        if let Some(other) = seen.insert(&id[..4], id) {
            prefix = Some((id[..4].to_owned(), other.to_owned(), id.to_owned()));
            break;
        }
    }
    let (p, a, b) = prefix.ok_or("no shared prefix in 3000 commits")?;
    let out = check_json(
        &r,
        &[&message_file(
            &r,
            &fix_message(&format!("Fixes: {p} (\"bpf: Commit 1\")")),
        )?],
    )?;
    let d = diags(&out);
    let amb: Vec<_> = d.iter().filter(|d| d.0 == "fixes-commit").collect();
    assert_eq!(amb.len(), 1, "{d:?}");
    assert!(
        amb[0].2.contains("ambiguous")
            && amb[0].2.contains(&a[..12])
            && amb[0].2.contains(&b[..12]),
        "{amb:?}"
    );
    Ok(())
}

#[test]
fn shallow_clone_warns_instead_of_failing() -> TestResult {
    let r = Repo::new()?;
    let (bug, _) = history(&r)?;
    r.commit(
        "kernel/bpf/x.c",
        "2\n",
        &format!("bpf: Later\n\nLater.\n\n{SOB}"),
    )?;
    let clone = r.home.path().join("shallow");
    let url = format!("file://{}", r.path().display());
    r.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url,
        &clone.to_string_lossy(),
    ])?;
    let msg = clone.join("msg.txt");
    std::fs::write(
        &msg,
        fix_message(&format!(
            "Fixes: {} (\"bpf: Add map refcounting\")",
            &bug[..12]
        )),
    )?;
    let out = run(
        &r,
        &clone,
        &["check", "--format", "json", &msg.to_string_lossy()],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d = diags(&out);
    assert!(
        d.len() == 1 && d[0].1 == "warning" && d[0].2.contains("shallow"),
        "{d:?}"
    );
    Ok(())
}

#[test]
fn sha256_reftable_bare_and_worktree_repositories() -> TestResult {
    for init in [
        &["--object-format=sha256"][..],
        &["--ref-format=reftable"][..],
    ] {
        let r = Repo::new()?;
        let mut args = vec!["init", "-q", "-b", "master"];
        args.extend_from_slice(init);
        let sub = r.path().join("sub");
        args.push(sub.to_str().ok_or("path")?);
        r.git(&args)?;
        let sub_repo = |a: &[&str]| -> Result<String, Box<dyn std::error::Error>> {
            let out = r.cmd("git").current_dir(&sub).args(a).output()?;
            if !out.status.success() {
                return Err(stderr(&out).into());
            }
            Ok(stdout(&out))
        };
        std::fs::write(sub.join("a.c"), "1\n")?;
        sub_repo(&["add", "a.c"])?;
        sub_repo(&[
            "commit",
            "-q",
            "-m",
            &format!("bpf: Add map refcounting\n\nAdd it.\n\n{SOB}"),
        ])?;
        let bug = sub_repo(&["rev-parse", "HEAD"])?;
        let msg = sub.join("msg.txt");
        std::fs::write(
            &msg,
            fix_message(&format!(
                "Fixes: {} (\"bpf: Add map refcountin\")",
                &bug[..12]
            )),
        )?;
        let out = run(
            &r,
            &sub,
            &["check", "--format", "json", &msg.to_string_lossy()],
        )?;
        let d = diags(&out);
        assert_eq!(
            d.len(),
            0,
            "{init:?}: prefix titles match: {d:?} {}",
            stderr(&out)
        );
        std::fs::write(
            &msg,
            fix_message(&format!("Fixes: {} (\"bpf: Wrong\")", &bug[..12])),
        )?;
        let out = run(
            &r,
            &sub,
            &["check", "--format", "json", &msg.to_string_lossy()],
        )?;
        let d = diags(&out);
        assert!(
            d.len() == 1 && d[0].0 == "fixes-commit",
            "{init:?}: {d:?} {}",
            stderr(&out)
        );
        // --range works there too.
        let out = run(&r, &sub, &["check", "--format", "json", "--range", "HEAD"])?;
        assert_eq!(out.status.code(), Some(0), "{init:?}: {}", stderr(&out));
    }

    // A bare clone checks a range; a linked worktree finds the shared history.
    let r = Repo::new()?;
    let (bug, _) = history(&r)?;
    let bare = r.home.path().join("bare.git");
    r.git(&[
        "clone",
        "-q",
        "--bare",
        &r.path().to_string_lossy(),
        &bare.to_string_lossy(),
    ])?;
    let out = run(
        &r,
        &bare,
        &["check", "--format", "json", "--range", "master~1..master"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let wt = r.home.path().join("wt");
    r.git(&["worktree", "add", "-q", "-b", "wt", &wt.to_string_lossy()])?;
    let msg = wt.join("msg.txt");
    std::fs::write(
        &msg,
        fix_message(&format!("Fixes: {} (\"bpf: Wrong\")", &bug[..12])),
    )?;
    let out = run(
        &r,
        &wt,
        &["check", "--format", "json", &msg.to_string_lossy()],
    )?;
    assert!(
        diags(&out).iter().any(|d| d.0 == "fixes-commit"),
        "{}",
        stdout(&out)
    );
    Ok(())
}

#[test]
fn range_checks_commits_and_the_series() -> TestResult {
    let r = Repo::new()?;
    let (bug, _) = history(&r)?;
    let base = r.git(&["rev-parse", "HEAD"])?.trim().to_owned();
    r.git(&["config", "bpf-policy.tree", "bpf"])?;
    r.commit(
        "kernel/bpf/verifier.c",
        "v\n",
        &fix_message(&format!(
            "Fixes: {} (\"bpf: Add map refcounting\")",
            &bug[..12]
        )),
    )?;
    r.commit(
        "kernel/bpf/verifier.c",
        "w\n",
        &format!("bpf: Fix another thing\n\n{WHY}\n\n{SOB}"),
    )?;
    r.git(&["merge", "-q", "--no-ff", "--no-edit", "side"])?;
    let out = check_json(&r, &["--verbose", "--range", &format!("{base}..HEAD")])?;
    assert_eq!(out.status.code(), Some(1));
    let mut rules: Vec<String> = diags(&out).into_iter().map(|d| d.0).collect();
    rules.sort();
    // The merge adds nothing; the side commit it brings in and the second fix lack Fixes:,
    // and the series changes the verifier without selftests.
    assert_eq!(
        rules,
        vec!["fixes-required", "fixes-required", "verifier-selftests"],
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("target tree bpf (from git config bpf-policy.tree)"),
        "{}",
        stderr(&out)
    );

    let out = run(&r, r.path(), &["check", "--range", "nonexistent..HEAD"])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nonexistent"), "{}", stderr(&out));
    let elsewhere = tempfile::tempdir()?;
    let out = run(&r, elsewhere.path(), &["check", "--range", "HEAD~1..HEAD"])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not"), "{}", stderr(&out));
    Ok(())
}

#[test]
fn tree_comes_from_b4_tracking_data() -> TestResult {
    let r = Repo::new()?;
    r.commit("a.c", "0\n", &format!("bpf: Base\n\nBase.\n\n{SOB}"))?;
    r.git(&["checkout", "-q", "-b", "b4/topic"])?;
    // What b4 prep records for every branch it prepares.
    r.git(&["config", "branch.b4/topic.b4-prep-cover-strategy", "commit"])?;
    let cover = "bpf: Topic\n\nThis series does a thing.\n\n--- b4-submit-tracking ---\n# This section is used internally by b4 prep for tracking purposes.\n{\n  \"series\": {\n    \"revision\": 1,\n    \"change-id\": \"20241001-topic-0123\",\n    \"prefixes\": [\"bpf\"]\n  }\n}\n";
    r.git(&["commit", "-q", "--allow-empty", "-m", cover])?;
    r.commit(
        "kernel/bpf/a.c",
        "1\n",
        &format!("bpf: Fix the thing\n\n{WHY}\n\n{SOB}"),
    )?;
    let out = check_json(&r, &["--verbose", "--range", "master..HEAD"])?;
    assert!(
        stderr(&out).contains("target tree bpf (from b4 tracking data"),
        "{}",
        stderr(&out)
    );
    let rules: Vec<String> = diags(&out).into_iter().map(|d| d.0).collect();
    assert_eq!(
        rules,
        vec!["fixes-required"],
        "the cover commit is not a patch: {}",
        stdout(&out)
    );
    Ok(())
}

#[test]
fn merge_window_from_release_tags() -> TestResult {
    let r = Repo::new()?;
    r.commit("a.c", "0\n", &format!("bpf: Base\n\nBase.\n\n{SOB}"))?;
    r.git(&["tag", "v6.12-rc7"])?;
    r.commit("a.c", "1\n", &format!("bpf: Release\n\nRelease.\n\n{SOB}"))?;
    r.git(&["tag", "-a", "-m", "Linux 6.12", "v6.12"])?;
    let msg = message_file(&r, &format!("bpf: Add a feature\n\n{WHY}\n\n{SOB}\n"))?;
    let out = check_json(&r, &["--tree", "bpf-next", &msg])?;
    let d = diags(&out);
    assert!(
        d.len() == 1 && d[0].0 == "merge-window" && d[0].2.contains("v6.12"),
        "{d:?}"
    );
    // Fixes for bpf are fine during the merge window.
    let out = check_json(&r, &["--tree", "bpf", &msg])?;
    assert!(diags(&out).iter().all(|d| d.0 != "merge-window"));
    r.commit("a.c", "2\n", &format!("bpf: Next\n\nNext.\n\n{SOB}"))?;
    r.git(&["tag", "v6.13-rc1"])?;
    let out = check_json(&r, &["--tree", "bpf-next", &msg])?;
    assert_eq!(diags(&out), vec![]);
    Ok(())
}

/// Every kind of Fixes: tag at once: the rule gathers them and the repository answers them in
/// one batch; each is still judged on its own, in a message and across a range of commits.
#[test]
fn many_fixes_tags_in_one_batch_are_each_judged() -> TestResult {
    let r = Repo::new()?;
    let (bug, side) = history(&r)?;
    let tags = format!(
        "Fixes: {} (\"bpf: Add map refcounting\")\nFixes: {} (\"bpf: Side work\")\nFixes: 0123456789ab (\"bpf: Elsewhere\")\nFixes: {} (\"bpf: Wrong title\")",
        &bug[..12],
        &side[..12],
        &bug[..12]
    );
    let out = check_json(
        &r,
        &["--as", "message", &message_file(&r, &fix_message(&tags))?],
    )?;
    let mut d: Vec<(String, String)> = diags(&out)
        .into_iter()
        .filter(|d| d.0 == "fixes-commit")
        .map(|d| (d.1, d.2))
        .collect();
    d.sort();
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(
        d[0].0 == "error" && d[0].1.contains("not an ancestor") && d[0].1.contains(&side[..12]),
        "{d:?}"
    );
    assert!(
        d[1].0 == "error" && d[1].1.contains("title does not match"),
        "{d:?}"
    );
    assert!(
        d[2].0 == "warning" && d[2].1.contains("could not verify"),
        "{d:?}"
    );

    // Two new commits, each naming the other's ancestry: the newer one may name the older
    // one, the older one cannot name the newer.
    let first = r.commit(
        "kernel/bpf/a.c",
        "a\n",
        &fix_message(&format!(
            "Fixes: {} (\"bpf: Add map refcounting\")",
            &bug[..12]
        )),
    )?;
    r.commit(
        "kernel/bpf/b.c",
        "b\n",
        &fix_message(&format!(
            "Fixes: {} (\"bpf: Fix a double free\")\nFixes: {} (\"bpf: Side work\")",
            &first[..12],
            &side[..12]
        )),
    )?;
    let out = check_json(&r, &["--range", &format!("{bug}..HEAD")])?;
    let d: Vec<String> = diags(&out)
        .into_iter()
        .filter(|d| d.0 == "fixes-commit")
        .map(|d| d.2)
        .collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].contains("not an ancestor") && d[0].contains(&side[..12]),
        "{d:?}"
    );
    Ok(())
}

#[test]
fn check_with_sent_log_judges_reposts() -> TestResult {
    let r = Repo::new()?;
    r.commit(
        "kernel/bpf/a.c",
        "a\n",
        &format!("bpf: Add a\n\n{WHY}\n\n{SOB}"),
    )?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf-next", "-1"])?;
    let patch = files[0].to_string_lossy().into_owned();
    // The log as sendemail-validate writes it: the same patch sent an hour before.
    let dir = r.path().join(".git/bpf-policy");
    std::fs::create_dir(&dir)?;
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    std::fs::write(
        dir.join("sent.log"),
        r#"{"time":1000,"tree":"bpf-next","version":1,"cover":null,"subjects":["bpf: Add a"],"message_id":null}"#
            .to_owned()
            + "\n",
    )?;
    let with = r
        .cmd(BIN)
        .args(["check", "--format", "json", "--sent-log", &patch])
        .env("BPF_POLICY_NOW", "4600")
        .output()?;
    let found = diags(&with);
    assert!(
        found
            .iter()
            .any(|(rule, sev, _)| rule == "repost-too-soon" && sev == "error"),
        "{found:?}"
    );
    assert_eq!(with.status.code(), Some(1));
    // Without --sent-log (b4 prep --check, a plain file check) the log is not consulted.
    let without = r
        .cmd(BIN)
        .args(["check", "--format", "json", &patch])
        .env("BPF_POLICY_NOW", "4600")
        .output()?;
    assert!(
        !diags(&without)
            .iter()
            .any(|(rule, ..)| rule == "repost-too-soon"),
        "{}",
        stdout(&without)
    );
    Ok(())
}

/// A Fixes: target deep in a history with no commit-graph costs a walk of all of it: the
/// check says so once and how to make it fast; with a commit-graph it says nothing.
#[test]
fn a_long_walk_without_a_commit_graph_suggests_one() -> TestResult {
    use std::io::Write as _;
    let r = Repo::new()?;
    // 60,000 commits in one fast-import, oldest first; the first is the Fixes: target.
    let mut stream = String::new();
    for i in 1..=60_000u32 {
        let msg = format!("bpf: Change {i}\n");
        stream.push_str(&format!(
            "commit refs/heads/master\nmark :{i}\ncommitter A <a@example.org> {} +0000\ndata {}\n{msg}\n",
            1_600_000_000 + i,
            msg.len()
        ));
    }
    let mut child = r
        .cmd("git")
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(stream.as_bytes())?;
    assert!(child.wait()?.success());
    r.git(&["reset", "-q", "--hard", "master"])?;
    let root = r.git(&["rev-list", "--max-parents=0", "HEAD"])?;
    let msg = message_file(
        &r,
        &fix_message(&format!(
            "Fixes: {} (\"bpf: Change 1\")",
            &root.trim()[..12]
        )),
    )?;
    let out = check_json(&r, &["--as", "message", &msg])?;
    let d = diags(&out);
    assert_eq!(out.status.code(), Some(0), "{d:?}");
    let notes: Vec<_> = d
        .iter()
        .filter(|(rule, _, _)| rule == "fixes-commit")
        .collect();
    assert_eq!(notes.len(), 1, "{d:?}");
    assert_eq!(notes[0].1, "note");
    assert!(
        notes[0].2.contains("no commit-graph") && notes[0].2.contains("git commit-graph write"),
        "{notes:?}"
    );

    r.git(&["commit-graph", "write", "--reachable"])?;
    let out = check_json(&r, &["--as", "message", &msg])?;
    let d = diags(&out);
    assert!(d.iter().all(|(rule, _, _)| rule != "fixes-commit"), "{d:?}");
    assert_eq!(out.status.code(), Some(0));
    Ok(())
}
