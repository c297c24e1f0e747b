//! The files of each commit of a range, compared with what `git log --name-status` says:
//! small ranges are diffed in process, larger ones by one `git diff-tree --stdin`, and both
//! must give git's answer.

use std::error::Error;
use std::path::Path;
use std::process::Command;

use bpf_policy::item::ChangeStatus;
use bpf_policy_repo::Repo;

type TestResult = Result<(), Box<dyn Error>>;

fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn Error>> {
    let mut c = Command::new("git");
    c.current_dir(dir).args(args);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            c.env_remove(&key);
        }
    }
    let out = c
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", "C")
        .env("GIT_COMMITTER_EMAIL", "c@example.org")
        .output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

#[test]
fn files_of_small_and_large_ranges_match_git() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("r");
    std::fs::create_dir_all(&dir)?;
    git(&dir, &["init", "-q", "-b", "master"])?;
    for i in 0..100 {
        let f = dir.join(format!("f{}.c", i % 13));
        match i % 5 {
            // A rename: a file moved with its content.
            3 if dir.join(format!("f{}.c", (i + 1) % 13)).exists() => {
                let from = format!("f{}.c", (i + 1) % 13);
                git(&dir, &["mv", &from, &format!("moved{i}.c")])?;
            }
            4 if f.exists() => {
                git(&dir, &["rm", "-q", &format!("f{}.c", i % 13)])?;
            }
            _ => {
                std::fs::write(
                    &f,
                    format!("int v{i};\nint a = 1;\nint b = 2;\nint c = 3;\n"),
                )?;
                git(&dir, &["add", "-A"])?;
            }
        }
        git(
            &dir,
            &["commit", "-q", "--allow-empty", "-m", &format!("c{i}")],
        )?;
    }
    let repo = Repo::open(&dir)?;
    for spec in ["HEAD~10..HEAD", "HEAD~99..HEAD"] {
        let got = listing(&repo.range(spec)?);
        let want = git_files(&dir, spec)?;
        assert_eq!(got, want, "{spec}");
        assert!(
            got.iter()
                .any(|(_, f)| f.iter().any(|x| x.starts_with('R')))
        );
    }
    Ok(())
}

/// Each commit's id and its files as `<status letter> <path>` lines.
type Listing = Vec<(String, Vec<String>)>;

/// git's `--name-status -M` lines of a range, oldest commit first.
fn git_files(dir: &Path, spec: &str) -> Result<Listing, Box<dyn Error>> {
    let log = git(
        dir,
        &[
            "log",
            "--reverse",
            "--format=@%H",
            "--name-status",
            "-M",
            spec,
        ],
    )?;
    let mut want: Listing = Vec::new();
    for line in log.lines().filter(|l| !l.is_empty()) {
        if let Some(id) = line.strip_prefix('@') {
            want.push((id.to_owned(), Vec::new()));
        } else if let Some((_, files)) = want.last_mut() {
            let mut f = line.split('\t');
            let status = f.next().unwrap_or_default();
            let path = f.next_back().unwrap_or_default();
            // git says T for a type change; the rules see it as a modification.
            let s = if status.starts_with('T') {
                "M"
            } else {
                &status[..1]
            };
            files.push(format!("{s} {path}"));
        }
    }
    for (_, files) in &mut want {
        files.sort();
    }
    Ok(want)
}

/// Our files of each commit, in the form [`git_files`] gives git's.
fn listing(commits: &[bpf_policy_repo::CommitData]) -> Listing {
    commits
        .iter()
        .map(|c| {
            let mut files: Vec<String> = c
                .files
                .iter()
                .map(|f| {
                    let s = match f.status {
                        ChangeStatus::Added => "A",
                        ChangeStatus::Deleted => "D",
                        ChangeStatus::Renamed => "R",
                        ChangeStatus::Modified => "M",
                    };
                    format!("{s} {}", f.path)
                })
                .collect();
            files.sort();
            (c.id.clone(), files)
        })
        .collect()
}

/// In nested trees, commits that add and remove whole directories, turn a file into a
/// directory and back, change a mode, move files across directories and change nothing: the
/// in-process listing (which skips unchanged subtrees) gives git's answer for each.
#[test]
fn files_in_nested_trees_match_git() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("r");
    std::fs::create_dir_all(&dir)?;
    git(&dir, &["init", "-q", "-b", "master"])?;
    let write = |rel: &str, text: &str| -> TestResult {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, text)?;
        Ok(())
    };
    // A wide base tree, most of which no later commit touches.
    for d in 0..20 {
        for f in 0..10 {
            write(
                &format!("top{}/mid{d}/f{f}.c", d % 4),
                &format!("int a{d}_{f};\n"),
            )?;
        }
    }
    write(
        "net/core/filter.c",
        "int filter;\nint b = 2;\nint c = 3;\nint d = 4;\n",
    )?;
    git(&dir, &["add", "-A"])?;
    git(&dir, &["commit", "-q", "-m", "base"])?;
    let base = git(&dir, &["rev-parse", "HEAD"])?.trim().to_owned();
    let step = |cmds: &[&[&str]], msg: &str| -> TestResult {
        for c in cmds {
            git(&dir, c)?;
        }
        git(&dir, &["commit", "-q", "--allow-empty", "-m", msg])?;
        Ok(())
    };
    // One file deep down.
    write("top1/mid5/f3.c", "int changed;\n")?;
    step(&[&["add", "-A"]], "modify deep")?;
    // A new directory of files, and a whole directory removed.
    for f in 0..5 {
        write(&format!("kernel/bpf/new/n{f}.c"), &format!("int n{f};\n"))?;
    }
    step(
        &[&["add", "-A"], &["rm", "-q", "-r", "top2/mid6"]],
        "add dir, remove dir",
    )?;
    // A move across directories, with the content kept.
    step(
        &[&["mv", "net/core/filter.c", "kernel/bpf/new/filter.c"]],
        "rename across directories",
    )?;
    // A file becomes a directory, then a directory becomes a file.
    std::fs::remove_file(dir.join("top0/mid0/f1.c"))?;
    write("top0/mid0/f1.c/inner.c", "int inner;\n")?;
    step(&[&["add", "-A"]], "file to directory")?;
    std::fs::remove_dir_all(dir.join("top3/mid7"))?;
    write("top3/mid7", "now a file\n")?;
    step(&[&["add", "-A"]], "directory to file")?;
    // A mode change alone, and a commit that changes nothing.
    step(&[&["update-index", "--chmod=+x", "top1/mid1/f2.c"]], "mode")?;
    step(&[], "empty")?;
    // Names with spaces and glob characters are paths, not patterns.
    write("odd dir/a*b?.c", "int odd;\n")?;
    write("odd dir/a1b2.c", "int plain;\n")?;
    step(&[&["add", "-A"]], "odd names")?;
    write("odd dir/a*b?.c", "int odder;\n")?;
    step(&[&["add", "-A"]], "modify the odd one only")?;

    let spec = format!("{base}..HEAD");
    let repo = Repo::open(&dir)?;
    let got = listing(&repo.range(&spec)?);
    let want = git_files(&dir, &spec)?;
    assert_eq!(got.len(), 9);
    assert_eq!(got, want);
    // The root commit: every file added.
    let root = repo.range(&base)?;
    let all = root.last().map_or(0, |c| c.files.len());
    assert_eq!(all, 201);
    Ok(())
}
