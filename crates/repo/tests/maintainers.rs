//! MAINTAINERS, .mailmap and commit authors through both backends: read from HEAD's tree (never the
//! work tree), absent without one, parsed once.

use std::error::Error;
use std::path::Path;
use std::process::Command;

use bpf_policy::repo::{MaintainersAt, Resolved};
use bpf_policy_repo::Repo;

type TestResult = Result<(), Box<dyn Error>>;

fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn Error>> {
    let mut c = Command::new("git");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("GIT_") {
            c.env_remove(k);
        }
    }
    let out = c
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Bug Author")
        .env("GIT_AUTHOR_EMAIL", "bug.author@example.org")
        .env("GIT_COMMITTER_NAME", "C")
        .env("GIT_COMMITTER_EMAIL", "c@example.org")
        .args(args)
        .output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

const ENTRY: &str = "BPF\nM:\tA <a@example.org>\nL:\tbpf@vger.kernel.org\nF:\tkernel/bpf/\n";

fn lists(repo: &Repo) -> Result<Vec<String>, Box<dyn Error>> {
    match repo.facts().maintainers_parsed() {
        MaintainersAt::Parsed(m) => Ok(m
            .lookup_files(&["kernel/bpf/core.c".to_owned()])
            .lists
            .iter()
            .map(|l| l.email.clone())
            .collect()),
        other => Err(format!("{other:?}").into()),
    }
}

fn check(init_args: &[&str], through_git: bool) -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path();
    let mut args = vec!["init", "-q"];
    args.extend(init_args);
    git(dir, &args)?;
    // Unborn HEAD: nothing to read.
    let repo = Repo::open(dir)?;
    assert_eq!(repo.fallback_reason().is_some(), through_git);
    assert!(matches!(
        repo.facts().maintainers_parsed(),
        MaintainersAt::Absent
    ));

    std::fs::write(dir.join("README"), "x\n")?;
    git(dir, &["add", "."])?;
    git(dir, &["commit", "-q", "-m", "init"])?;
    assert!(matches!(
        Repo::open(dir)?.facts().maintainers_parsed(),
        MaintainersAt::Absent
    ));

    std::fs::write(dir.join("MAINTAINERS"), ENTRY)?;
    git(dir, &["add", "."])?;
    git(dir, &["commit", "-q", "-m", "bpf: Add MAINTAINERS"])?;
    let id = git(dir, &["rev-parse", "HEAD"])?;
    // An uncommitted edit is not what is being patched.
    std::fs::write(dir.join("MAINTAINERS"), ENTRY.replace("bpf@", "other@"))?;
    let repo = Repo::open(dir)?;
    assert_eq!(lists(&repo)?, ["bpf@vger.kernel.org"]);
    // Parsed once per process: every rule of a run gets the same one.
    let (MaintainersAt::Parsed(a), MaintainersAt::Parsed(b)) = (
        repo.facts().maintainers_parsed(),
        repo.facts().maintainers_parsed(),
    ) else {
        return Err("not parsed".into());
    };
    assert!(std::ptr::eq(a, b));

    let Resolved::Commit(c) = repo.resolve(&id[..12]) else {
        return Err("the commit does not resolve".into());
    };
    let author = repo.facts().commit_author(&c.id).ok_or("no author")?;
    assert_eq!(
        (author.name.as_str(), author.email.as_str()),
        ("Bug Author", "bug.author@example.org")
    );
    assert_eq!(repo.facts().commit_author(&"0".repeat(id.len())), None);
    assert!(repo.facts().mailmap().is_none());

    // .mailmap comes from HEAD as MAINTAINERS does: a work-tree copy alone is not read.
    std::fs::write(
        dir.join(".mailmap"),
        "Bug Author <bug@now.example.org> <bug.author@example.org>\n",
    )?;
    assert!(Repo::open(dir)?.facts().mailmap().is_none());
    git(dir, &["add", ".mailmap"])?;
    git(dir, &["commit", "-q", "-m", "Add .mailmap"])?;
    let repo = Repo::open(dir)?;
    let now = repo.facts().mailmap().ok_or("no .mailmap")?.map(&author);
    assert_eq!(now.email, "bug@now.example.org");
    Ok(())
}

#[test]
fn maintainers_from_head_through_libgit2() -> TestResult {
    check(&[], false)
}

#[test]
fn maintainers_from_head_through_git() -> TestResult {
    check(&["--object-format=sha256"], true)
}
