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
        let commits = repo.range(spec)?;
        let log = git(
            &dir,
            &[
                "log",
                "--reverse",
                "--format=@%H",
                "--name-status",
                "-M",
                spec,
            ],
        )?;
        let mut want: Vec<(String, Vec<String>)> = Vec::new();
        for line in log.lines().filter(|l| !l.is_empty()) {
            if let Some(id) = line.strip_prefix('@') {
                want.push((id.to_owned(), Vec::new()));
            } else if let Some((_, files)) = want.last_mut() {
                let mut f = line.split('\t');
                let status = f.next().unwrap_or_default();
                let path = f.next_back().unwrap_or_default();
                files.push(format!("{} {path}", &status[..1]));
            }
        }
        let got: Vec<(String, Vec<String>)> = commits
            .iter()
            .map(|c| {
                let files = c
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
                (c.id.clone(), files)
            })
            .collect();
        assert_eq!(got, want, "{spec}");
        assert!(
            got.iter()
                .any(|(_, f)| f.iter().any(|x| x.starts_with('R')))
        );
    }
    Ok(())
}
