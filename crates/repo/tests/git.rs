//! End-to-end tests against repositories made with the real `git`.
//!
//! The library reads the process environment (GIT_DIR, GIT_INDEX_FILE, HOME for the global
//! config, GIT_CONFIG_PARAMETERS), which tests cannot set safely in-process. So every test
//! re-runs itself as a child process of this binary with a controlled environment: a temp
//! HOME, no system config, no inherited GIT_* variables, plus whatever the test sets.

use std::error::Error;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use bpf_policy::item::{ChangeStatus, FileChange};
use bpf_policy::message::CommentChar;
use bpf_policy::repo::{CommitInfo, RepoFacts, Resolved};
use bpf_policy::tree::{Tree, TreeSource};
use bpf_policy_repo::{CommitData, PushUpdate, Repo, RepoError, global_policy_config};

type TestResult = Result<(), Box<dyn Error>>;

const CHILD: &str = "BPF_POLICY_REPO_TEST_CHILD";
const TMP: &str = "BPF_POLICY_REPO_TEST_TMP";

/// Run `body` in a child process of this test binary (see the module docs). In `env`,
/// `{tmp}` stands for the test's temporary directory, where `body` builds its fixtures.
fn isolated(
    name: &str,
    env: &[(&str, &str)],
    body: impl FnOnce(&Path) -> TestResult,
) -> TestResult {
    if std::env::var_os(CHILD).is_some() {
        let tmp = PathBuf::from(std::env::var_os(TMP).ok_or("no test directory")?);
        return body(&tmp);
    }
    let dir = tempfile::tempdir()?;
    let root = dir.path().canonicalize()?;
    std::fs::create_dir_all(root.join("home"))?;
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"]);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env(CHILD, "1")
        .env(TMP, &root)
        .env("HOME", root.join("home"))
        .env("XDG_CONFIG_HOME", root.join("home/.config"))
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let root_text = root.to_string_lossy().into_owned();
    for (key, value) in env {
        cmd.env(key, value.replace("{tmp}", &root_text));
    }
    let out = cmd.output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    // "1 passed" guards against a name that matches no test, which would pass silently.
    if !out.status.success() || !stdout.contains("1 passed") {
        eprintln!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        return Err(format!("child run of {name} failed (its output is above)").into());
    }
    Ok(())
}

fn test_tmp() -> Result<PathBuf, Box<dyn Error>> {
    Ok(PathBuf::from(
        std::env::var_os(TMP).ok_or("no test directory")?,
    ))
}

/// Commit dates one minute apart, so ids are the same on every run.
static CLOCK: AtomicU64 = AtomicU64::new(1_700_000_000);

fn git_env(dir: &Path, args: &[&str], env: &[(&str, &OsStr)]) -> Result<String, Box<dyn Error>> {
    let date = format!("{} +0000", CLOCK.fetch_add(60, Ordering::SeqCst));
    let mut c = Command::new("git");
    c.current_dir(dir).args(args);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_NAMESPACE",
    ] {
        c.env_remove(var);
    }
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", test_tmp()?.join("home"))
        .env("GIT_AUTHOR_NAME", "A U Thor")
        .env("GIT_AUTHOR_EMAIL", "author@example.org")
        .env("GIT_COMMITTER_NAME", "C O Mitter")
        .env("GIT_COMMITTER_EMAIL", "committer@example.org")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output()?;
    if !out.status.success() {
        return Err(format!(
            "git {args:?} in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn Error>> {
    git_env(dir, args, &[])
}

fn write(path: &Path, text: &str) -> TestResult {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)?;
    Ok(())
}

fn commit(dir: &Path, msg: &str) -> Result<String, Box<dyn Error>> {
    git(dir, &["add", "-A"])?;
    git(dir, &["commit", "-q", "--allow-empty", "-m", msg])?;
    git(dir, &["rev-parse", "HEAD"])
}

fn init(dir: &Path, extra: &[&str]) -> TestResult {
    let mut args = vec!["init", "-q", "-b", "master"];
    args.extend(extra);
    let path = dir.to_string_lossy().into_owned();
    args.push(&path);
    git(&test_tmp()?, &args)?;
    Ok(())
}

/// The ids of a small history:
/// ```text
/// c1 -- c2 (tag v6.12) -- c3 (rename) -- merge -- c4 (selftest)   master
///   \------------------ s1 ------------/                          side
///   \-- o1                                                        other
/// ```
struct History {
    c1: String,
    c2: String,
    c3: String,
    s1: String,
    merge: String,
    c4: String,
    o1: String,
    tag: String,
    blob: String,
}

const C2_MESSAGE: &str =
    "bpf: fix foo\n\nThe foo was broken.\n\nSigned-off-by: A U Thor <author@example.org>\n";

fn make_history(dir: &Path, init_args: &[&str]) -> Result<History, Box<dyn Error>> {
    init(dir, init_args)?;
    write(&dir.join("a.txt"), "a\n")?;
    write(
        &dir.join("b.txt"),
        "some longer content\nso that renames are\nobvious to everyone\n",
    )?;
    let c1 = commit(dir, "bpf: add foo")?;
    write(&dir.join("a.txt"), "a fixed\n")?;
    let c2 = commit(dir, C2_MESSAGE)?;
    git(dir, &["tag", "-a", "-m", "Linux 6.12", "v6.12"])?;
    let tag = git(dir, &["rev-parse", "v6.12"])?;
    let blob = git(dir, &["rev-parse", "HEAD:a.txt"])?;
    git(dir, &["checkout", "-q", "-b", "side", &c1])?;
    write(&dir.join("s.txt"), "side\n")?;
    let s1 = commit(dir, "net: side change")?;
    git(dir, &["checkout", "-q", "master"])?;
    git(dir, &["mv", "b.txt", "c.txt"])?;
    let c3 = commit(dir, "bpf: rename b")?;
    git(dir, &["merge", "-q", "--no-ff", "--no-edit", "side"])?;
    let merge = git(dir, &["rev-parse", "HEAD"])?;
    write(&dir.join("tools/testing/selftests/bpf/t.c"), "int x;\n")?;
    let c4 = commit(dir, "selftests/bpf: add test")?;
    git(dir, &["checkout", "-q", "-b", "other", &c1])?;
    write(&dir.join("o.txt"), "other\n")?;
    let o1 = commit(dir, "bpf: unmerged")?;
    git(dir, &["checkout", "-q", "master"])?;
    Ok(History {
        c1,
        c2,
        c3,
        s1,
        merge,
        c4,
        o1,
        tag,
        blob,
    })
}

fn info(id: &str, subject: &str) -> Resolved {
    Resolved::Commit(CommitInfo {
        id: id.to_owned(),
        subject: subject.to_owned(),
    })
}

fn change(path: &str, status: ChangeStatus) -> FileChange {
    FileChange {
        path: path.to_owned(),
        status,
    }
}

fn ids(commits: &[CommitData]) -> Vec<&str> {
    commits.iter().map(|c| c.id.as_str()).collect()
}

/// Every commit comes after its parents that are in the list.
fn assert_oldest_first(repo: &Repo, commits: &[CommitData]) {
    for (i, c) in commits.iter().enumerate() {
        for later in &commits[i + 1..] {
            assert_ne!(
                repo.is_ancestor(&later.id, Some(&c.id)),
                Some(true),
                "{} listed before its ancestor {}",
                c.id,
                later.id
            );
        }
    }
}

/// The checks every backend must pass on `make_history`.
fn check_history(repo: &Repo, h: &History) -> TestResult {
    // Fixes: resolution, full and abbreviated, any case; tags peel; blobs are not commits.
    let want = info(&h.c2, "bpf: fix foo");
    assert_eq!(repo.resolve(&h.c2), want);
    assert_eq!(repo.resolve(&h.c2[..12]), want);
    assert_eq!(repo.resolve(&h.c2[..8]), want);
    assert_eq!(repo.resolve(&h.c2[..12].to_uppercase()), want);
    assert_eq!(repo.resolve(&h.tag), want);
    assert_eq!(repo.resolve(&h.blob), Resolved::NotACommit);
    assert_eq!(repo.resolve(&h.c1[..12]), info(&h.c1, "bpf: add foo"));
    match repo.resolve("0123456789ab") {
        Resolved::Missing(why) => {
            assert!(why.contains("not in this repository"), "{why}");
            assert!(!why.contains("shallow"), "{why}");
        }
        other => return Err(format!("unknown id resolved to {other:?}").into()),
    }
    assert!(matches!(repo.resolve("xyz"), Resolved::Missing(_)));

    // Ancestry: against HEAD, against a given commit, side branches.
    assert_eq!(repo.is_ancestor(&h.c1, None), Some(true));
    assert_eq!(repo.is_ancestor(&h.s1, None), Some(true));
    assert_eq!(repo.is_ancestor(&h.o1, None), Some(false));
    assert_eq!(repo.is_ancestor(&h.c4, Some(&h.c1)), Some(false));
    assert_eq!(repo.is_ancestor(&h.c4, Some(&h.c4)), Some(true));
    assert_eq!(repo.is_ancestor(&h.c2, Some(&h.c4)), Some(true));
    assert_eq!(repo.release_tags(), vec!["v6.12".to_owned()]);

    // A..B with a merge and a rename, oldest first.
    let range = repo.range(&format!("{}..HEAD", h.c1))?;
    let mut got = ids(&range);
    got.sort_unstable();
    let mut want_ids = vec![&*h.c2, &*h.c3, &*h.s1, &*h.merge, &*h.c4];
    want_ids.sort_unstable();
    assert_eq!(got, want_ids);
    assert_oldest_first(repo, &range);
    let by_id = |id: &str| range.iter().find(|c| c.id == id).ok_or("commit not listed");
    let merge = by_id(&h.merge)?;
    assert_eq!(merge.parent_count, 2);
    assert_eq!(merge.files, vec![change("s.txt", ChangeStatus::Added)]);
    assert_eq!(
        by_id(&h.c3)?.files,
        vec![change("c.txt", ChangeStatus::Renamed)]
    );
    let c2 = by_id(&h.c2)?;
    assert_eq!(c2.message, C2_MESSAGE.as_bytes());
    assert_eq!(c2.author.name, "A U Thor");
    assert_eq!(c2.author.email, "author@example.org");
    assert_eq!(c2.parent_count, 1);
    assert_eq!(c2.files, vec![change("a.txt", ChangeStatus::Modified)]);
    assert_eq!(
        by_id(&h.c4)?.files,
        vec![change(
            "tools/testing/selftests/bpf/t.c",
            ChangeStatus::Added
        )]
    );

    // "B ^A" is the same range; a single revision is that one commit; a root has all files.
    let mut caret = ids(&repo.range(&format!("HEAD ^{}", h.c1))?)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    caret.sort_unstable();
    assert_eq!(caret, want_ids);
    let single = repo.range(&h.c2[..10])?;
    assert_eq!(ids(&single), vec![&*h.c2]);
    let root = repo.range(&h.c1)?;
    assert_eq!(root.len(), 1);
    let mut root_files = root[0].files.clone();
    root_files.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(
        root_files,
        vec![
            change("a.txt", ChangeStatus::Added),
            change("b.txt", ChangeStatus::Added)
        ]
    );
    assert!(matches!(
        repo.range("no-such-branch..HEAD"),
        Err(RepoError::BadRevision { .. })
    ));
    assert!(repo.range("A...B").is_err());

    // Pre-push: exclusions by id, by ref name, by glob; unknown and zero ids are skipped.
    let pushed = repo.commits_between("HEAD", std::slice::from_ref(&h.c3))?;
    let mut got = ids(&pushed);
    got.sort_unstable();
    let mut want_ids = vec![&*h.s1, &*h.merge, &*h.c4];
    want_ids.sort_unstable();
    assert_eq!(got, want_ids);
    assert_oldest_first(repo, &pushed);
    let zero = "0".repeat(h.c1.len());
    let unknown = "1".repeat(h.c1.len());
    let pushed = repo.commits_between(
        &h.c4,
        &[zero.clone(), unknown.clone(), "refs/heads/side".to_owned()],
    )?;
    let mut got = ids(&pushed);
    got.sort_unstable();
    let mut want_ids = vec![&*h.c2, &*h.c3, &*h.merge, &*h.c4];
    want_ids.sort_unstable();
    assert_eq!(got, want_ids);
    let pushed = repo.commits_between("master", &["refs/tags/*".to_owned()])?;
    assert_eq!(pushed.len(), 4, "{:?}", ids(&pushed));
    assert!(!ids(&pushed).contains(&&*h.c2));
    assert!(
        repo.commits_between(&h.c4, std::slice::from_ref(&h.c4))?
            .is_empty()
    );
    assert!(matches!(
        repo.commits_between("nope", &[]),
        Err(RepoError::BadRevision { .. })
    ));
    Ok(())
}

#[test]
fn sha1_repository_through_libgit2() -> TestResult {
    isolated("sha1_repository_through_libgit2", &[], |tmp| {
        let h = make_history(&tmp.join("r"), &[])?;
        let repo = Repo::open(&tmp.join("r"))?;
        assert_eq!(repo.fallback_reason(), None);
        assert_eq!(repo.git_dir(), tmp.join("r/.git"));
        assert_eq!(repo.workdir(), Some(tmp.join("r").as_path()));
        assert!(!repo.is_shallow());
        assert_eq!(repo.current_branch().as_deref(), Some("master"));
        check_history(&repo, &h)?;
        // From a subdirectory, as git finds it.
        let sub = Repo::open(&tmp.join("r/tools/testing"))?;
        assert_eq!(sub.git_dir(), tmp.join("r/.git"));
        Ok(())
    })
}

#[test]
fn sha256_repository_through_git() -> TestResult {
    isolated("sha256_repository_through_git", &[], |tmp| {
        let h = make_history(&tmp.join("r"), &["--object-format=sha256"])?;
        assert_eq!(h.c2.len(), 64);
        let repo = Repo::open(&tmp.join("r"))?;
        // libgit2 1.9 as built here (no experimental SHA-256) cannot open it.
        assert!(repo.fallback_reason().is_some());
        assert_eq!(repo.git_dir(), tmp.join("r/.git"));
        check_history(&repo, &h)
    })
}

#[test]
fn reftable_repository_through_git() -> TestResult {
    isolated("reftable_repository_through_git", &[], |tmp| {
        let h = make_history(&tmp.join("r"), &["--ref-format=reftable"])?;
        let repo = Repo::open(&tmp.join("r"))?;
        assert!(
            repo.fallback_reason()
                .is_some_and(|r| r.contains("refstorage")),
            "{:?}",
            repo.fallback_reason()
        );
        assert_eq!(repo.current_branch().as_deref(), Some("master"));
        check_history(&repo, &h)
    })
}

#[test]
fn bare_repository() -> TestResult {
    isolated("bare_repository", &[], |tmp| {
        let h = make_history(&tmp.join("src"), &[])?;
        git(tmp, &["clone", "-q", "--bare", "src", "bare.git"])?;
        let repo = Repo::open(&tmp.join("bare.git"))?;
        assert_eq!(repo.workdir(), None);
        assert_eq!(repo.git_dir(), tmp.join("bare.git"));
        assert!(matches!(repo.staged_files(), Err(RepoError::Bare { .. })));
        check_history(&repo, &h)
    })
}

/// Two or more commits sharing a prefix, made quickly with fast-import; the prefix is the
/// longest one two commits share (at least 4 digits), and the commits are all that have it.
fn ambiguous_commits(
    dir: &Path,
    init_args: &[&str],
) -> Result<(String, Vec<String>), Box<dyn Error>> {
    init(dir, init_args)?;
    let mut stream = String::new();
    for i in 0..3000 {
        let msg = format!("commit {i}\n");
        stream.push_str(&format!(
            "commit refs/heads/many\nmark :{}\ncommitter C <c@example.org> {} +0000\ndata {}\n{msg}",
            i + 1,
            1_700_000_000 + i,
            msg.len()
        ));
        if i > 0 {
            stream.push_str(&format!("from :{i}\n"));
        }
        stream.push('\n');
    }
    let input = dir.join("stream");
    std::fs::write(&input, stream)?;
    let file = std::fs::File::open(&input)?;
    let out = Command::new("git")
        .current_dir(dir)
        .args(["fast-import", "--quiet"])
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .stdin(file)
        .output()?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    let mut all: Vec<String> = git(dir, &["rev-list", "many"])?
        .lines()
        .map(str::to_owned)
        .collect();
    all.sort();
    let common = |a: &str, b: &str| a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let best = all
        .windows(2)
        .max_by_key(|w| common(&w[0], &w[1]))
        .ok_or("no commits")?;
    let len = common(&best[0], &best[1]);
    assert!(len >= 4, "no two of 3000 commits share 4 digits?");
    let prefix = best[0][..len].to_owned();
    let sharing = all.into_iter().filter(|c| c.starts_with(&prefix)).collect();
    Ok((prefix, sharing))
}

fn check_ambiguous(repo: &Repo, prefix: &str, sharing: &[String]) -> TestResult {
    match repo.resolve(prefix) {
        Resolved::Ambiguous(mut list) => {
            list.sort_by(|a, b| a.id.cmp(&b.id));
            assert_eq!(
                list.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
                sharing.iter().map(String::as_str).collect::<Vec<_>>()
            );
            assert!(list.iter().all(|c| c.subject.starts_with("commit ")));
        }
        other => return Err(format!("{prefix} resolved to {other:?}").into()),
    }
    Ok(())
}

#[test]
fn ambiguous_prefix_lists_the_commits() -> TestResult {
    isolated("ambiguous_prefix_lists_the_commits", &[], |tmp| {
        let (prefix, sharing) = ambiguous_commits(&tmp.join("r"), &[])?;
        check_ambiguous(&Repo::open(&tmp.join("r"))?, &prefix, &sharing)
    })
}

#[test]
fn ambiguous_prefix_through_git() -> TestResult {
    isolated("ambiguous_prefix_through_git", &[], |tmp| {
        let (prefix, sharing) = ambiguous_commits(&tmp.join("r"), &["--object-format=sha256"])?;
        check_ambiguous(&Repo::open(&tmp.join("r"))?, &prefix, &sharing)
    })
}

#[test]
fn shallow_clone_says_why_an_id_is_missing() -> TestResult {
    isolated("shallow_clone_says_why_an_id_is_missing", &[], |tmp| {
        let h = make_history(&tmp.join("src"), &[])?;
        let url = format!("file://{}", tmp.join("src").display());
        git(tmp, &["clone", "-q", "--depth", "1", &url, "shallow"])?;
        let repo = Repo::open(&tmp.join("shallow"))?;
        assert!(repo.is_shallow());
        for id in [&h.c1[..], &h.c2[..12]] {
            match repo.resolve(id) {
                Resolved::Missing(why) => assert!(why.contains("shallow"), "{why}"),
                other => return Err(format!("{id}: {other:?}").into()),
            }
        }
        assert_eq!(
            repo.resolve(&h.c4[..12]),
            info(&h.c4, "selftests/bpf: add test")
        );
        Ok(())
    })
}

#[test]
fn linked_worktree_opened_as_hooks_do() -> TestResult {
    isolated(
        "linked_worktree_opened_as_hooks_do",
        &[("GIT_DIR", "{tmp}/main/.git/worktrees/wt")],
        |tmp| {
            let main = tmp.join("main");
            let h = make_history(&main, &[])?;
            let wt = tmp.join("wt");
            git(
                &main,
                &[
                    "worktree",
                    "add",
                    "-q",
                    "-b",
                    "bpf-next",
                    &wt.to_string_lossy(),
                    &h.c1,
                ],
            )?;
            write(&wt.join("new.c"), "x\n")?;
            git(&wt, &["add", "new.c"])?;
            let repo = Repo::open(&wt)?;
            assert_eq!(repo.fallback_reason(), None);
            assert_eq!(repo.git_dir(), main.join(".git/worktrees/wt"));
            assert_eq!(repo.workdir(), Some(wt.as_path()));
            assert_eq!(repo.current_branch().as_deref(), Some("bpf-next"));
            assert_eq!(
                repo.infer_tree(None),
                Some((Tree::BpfNext, TreeSource::Branch("bpf-next".into())))
            );
            assert_eq!(
                repo.staged_files()?,
                vec![change("new.c", ChangeStatus::Added)]
            );
            // HEAD is the worktree's, objects are shared.
            assert_eq!(repo.is_ancestor(&h.c1, None), Some(true));
            assert_eq!(repo.is_ancestor(&h.c2, None), Some(false));
            assert_eq!(repo.resolve(&h.c2[..12]), info(&h.c2, "bpf: fix foo"));
            Ok(())
        },
    )
}

/// The index of a commit in progress (`git commit -a`, `git commit <path>`) is not the
/// repository's index: git names it in GIT_INDEX_FILE, relative to the top of the tree.
fn check_alternate_index(tmp: &Path, init_args: &[&str], bulk: usize) -> TestResult {
    let dir = tmp.join("r");
    let h = make_history(&dir, init_args)?;
    if bulk > 0 {
        // A tree as large as a kernel's has an index git reads for us (past 256 KiB).
        for i in 0..bulk {
            write(&dir.join(format!("bulk/d{}/file{i}.c", i % 64)), "int x;\n")?;
        }
        git(&dir, &["add", "bulk"])?;
        commit(&dir, "bulk: many files")?;
        let alt = [("GIT_INDEX_FILE", OsStr::new("alt-index"))];
        git_env(&dir, &["read-tree", "HEAD"], &alt)?;
        for index in ["alt-index", ".git/index"] {
            assert!(std::fs::metadata(dir.join(index))?.len() > 256 * 1024);
        }
    }
    // The normal index stages one thing ...
    write(&dir.join("a.txt"), "changed\n")?;
    git(&dir, &["add", "a.txt"])?;
    // ... the alternate one another: a rename, a deletion, a new file.
    let alt = [("GIT_INDEX_FILE", OsStr::new("alt-index"))];
    git_env(&dir, &["read-tree", "HEAD"], &alt)?;
    write(&dir.join("Documentation/bpf/x.rst"), "doc\n")?;
    git_env(&dir, &["add", "Documentation/bpf/x.rst"], &alt)?;
    git_env(&dir, &["mv", "c.txt", "d.txt"], &alt)?;
    git_env(&dir, &["rm", "-q", "--cached", "s.txt"], &alt)?;
    let repo = Repo::open(&dir)?;
    let mut files = repo.staged_files()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(
        files,
        vec![
            change("Documentation/bpf/x.rst", ChangeStatus::Added),
            change("d.txt", ChangeStatus::Renamed),
            change("s.txt", ChangeStatus::Deleted),
        ]
    );
    drop(h);
    // An unborn branch: everything staged is new.
    let fresh = tmp.join("fresh");
    init(&fresh, init_args)?;
    write(&fresh.join("one"), "1\n")?;
    git_env(&fresh, &["add", "one"], &alt)?;
    let repo = Repo::open(&fresh)?;
    assert_eq!(
        repo.staged_files()?,
        vec![change("one", ChangeStatus::Added)]
    );
    assert_eq!(repo.is_ancestor("HEAD", None), None);
    assert_eq!(repo.infer_tree(None), None);
    assert!(repo.range("HEAD").is_err());
    Ok(())
}

#[test]
fn staged_files_honour_git_index_file() -> TestResult {
    isolated(
        "staged_files_honour_git_index_file",
        &[("GIT_INDEX_FILE", "alt-index")],
        |tmp| check_alternate_index(tmp, &[], 0),
    )
}

#[test]
fn staged_files_of_a_large_index_through_git() -> TestResult {
    isolated(
        "staged_files_of_a_large_index_through_git",
        &[("GIT_INDEX_FILE", "alt-index")],
        |tmp| check_alternate_index(tmp, &[], 4_000),
    )
}

#[test]
fn staged_files_through_git() -> TestResult {
    isolated(
        "staged_files_through_git",
        &[("GIT_INDEX_FILE", "alt-index")],
        |tmp| check_alternate_index(tmp, &["--ref-format=reftable"], 0),
    )
}

#[test]
fn relative_git_dir() -> TestResult {
    isolated("relative_git_dir", &[("GIT_DIR", ".git")], |tmp| {
        let h = make_history(&tmp.join("r"), &[])?;
        let repo = Repo::open(&tmp.join("r"))?;
        assert_eq!(repo.git_dir(), tmp.join("r/.git"));
        assert_eq!(repo.resolve(&h.c4), info(&h.c4, "selftests/bpf: add test"));
        // GIT_DIR names the repository exactly: no search from elsewhere.
        assert!(Repo::open(&tmp.join("r/tools")).is_err());
        Ok(())
    })
}

#[test]
fn release_tags_are_read_from_names() -> TestResult {
    isolated("release_tags_are_read_from_names", &[], |tmp| {
        for (dir, args) in [("r", &[][..]), ("t", &["--ref-format=reftable"][..])] {
            let dir = tmp.join(dir);
            init(&dir, args)?;
            commit(&dir, "one")?;
            for tag in [
                "v6.12",
                "v6.13-rc1",
                "v6.12.1",
                "v6.13-rc",
                "foo",
                "v6.13-next",
            ] {
                git(&dir, &["tag", tag])?;
            }
            git(&dir, &["tag", "-a", "-m", "Linux 6.11", "v6.11"])?;
            let repo = Repo::open(&dir)?;
            let mut tags = repo.release_tags();
            tags.sort();
            assert_eq!(tags, vec!["v6.11", "v6.12", "v6.13-rc1"]);
        }
        Ok(())
    })
}

/// What pre-push needs: remote-tracking ids to bound the walk, and whether the remote's old
/// id is known here.
fn check_push_bounds(tmp: &Path, clone_args: &[&str]) -> TestResult {
    let h = make_history(&tmp.join("src"), &[])?;
    let mut args = vec!["clone", "-q"];
    args.extend(clone_args);
    args.extend(["src", "clone"]);
    git(tmp, &args)?;
    let dir = tmp.join("clone");
    git(&dir, &["checkout", "-q", "-b", "topic"])?;
    write(&dir.join("n1"), "1\n")?;
    let n1 = commit(&dir, "bpf: new one")?;
    write(&dir.join("n2"), "2\n")?;
    let n2 = commit(&dir, "bpf: new two")?;

    let repo = Repo::open(&dir)?;
    let tracking = repo.remote_tracking_ids("origin");
    let mut want = vec![h.c4.clone(), h.o1.clone(), h.s1.clone()];
    want.sort();
    assert_eq!(tracking, want);
    // A push to a URL: every remote-tracking ref bounds it.
    assert_eq!(repo.remote_tracking_ids("https://example.org/x.git"), want);
    let pushed = repo.commits_between("HEAD", &tracking)?;
    assert_eq!(ids(&pushed), vec![&*n1, &*n2]);
    assert!(repo.has_commit(&h.c2));
    assert!(repo.has_commit(&h.tag));
    assert!(repo.has_commit("origin/side"));
    assert!(!repo.has_commit(&h.blob));
    assert!(!repo.has_commit(&"1".repeat(h.c2.len())));
    assert!(!repo.has_commit("--all"));
    assert!(
        Repo::open(&tmp.join("src"))?
            .remote_tracking_ids("origin")
            .is_empty()
    );

    // What a push adds: history any remote-tracking ref or tag reaches is public; a tag
    // being pushed is not; a tag of a tree carries no commits.
    git(
        &dir,
        &["tag", "-a", "-m", "tree", "tree-tag", "HEAD^{tree}"],
    )?;
    git(&dir, &["tag", "mine", &n1])?;
    let zero = "0".repeat(h.c2.len());
    let update = |local: &str, id: &str| {
        PushUpdate::parse(&format!("{local} {id} {local} {zero}")).map_err(Box::<dyn Error>::from)
    };
    let tree_tag = git(&dir, &["rev-parse", "refs/tags/tree-tag"])?;
    let repo = Repo::open(&dir)?;
    let pushed = repo.pushed_commits(&[
        update("refs/tags/tree-tag", tree_tag.trim())?,
        update("refs/heads/topic", &n2)?,
    ])?;
    assert_eq!(ids(&pushed), vec![&*n2], "the local tag mine hides n1");
    let pushed = repo.pushed_commits(&[update("refs/heads/topic", &n2)?])?;
    assert_eq!(
        ids(&pushed),
        vec![&*n2],
        "tags hide, and a tag of a tree is no commit"
    );
    let pushed = repo.pushed_commits(&[
        update("refs/tags/mine", &n1)?,
        update("refs/heads/topic", &n2)?,
    ])?;
    assert_eq!(
        ids(&pushed),
        vec![&*n1, &*n2],
        "a tag being pushed is not public"
    );
    assert!(repo.commit_of(tree_tag.trim())?.is_none());
    assert!(repo.commit_of(&"1".repeat(h.c2.len())).is_err());
    Ok(())
}

#[test]
fn pre_push_bounds() -> TestResult {
    isolated("pre_push_bounds", &[], |tmp| check_push_bounds(tmp, &[]))
}

#[test]
fn pre_push_bounds_through_git() -> TestResult {
    isolated("pre_push_bounds_through_git", &[], |tmp| {
        check_push_bounds(tmp, &["--ref-format=reftable"])
    })
}

fn reopen(dir: &Path) -> Result<Repo, Box<dyn Error>> {
    Ok(Repo::open(dir)?)
}

#[test]
fn tree_inference_sources_in_order() -> TestResult {
    isolated("tree_inference_sources_in_order", &[], |tmp| {
        check_tree_inference(tmp, &[])
    })
}

#[test]
fn tree_inference_through_git() -> TestResult {
    isolated("tree_inference_through_git", &[], |tmp| {
        check_tree_inference(tmp, &["--ref-format=reftable"])
    })
}

fn check_tree_inference(tmp: &Path, init_args: &[&str]) -> TestResult {
    let dir = tmp.join("r");
    init(&dir, init_args)?;
    commit(&dir, "base")?;
    git(&dir, &["checkout", "-q", "-b", "work"])?;
    assert_eq!(reopen(&dir)?.infer_tree(None), None);

    // A branch named after a tree.
    git(&dir, &["checkout", "-q", "-b", "bpf"])?;
    assert_eq!(
        reopen(&dir)?.infer_tree(None),
        Some((Tree::Bpf, TreeSource::Branch("bpf".into())))
    );
    git(&dir, &["checkout", "-q", "work"])?;

    // The only remote, named after a tree.
    let neutral = "https://example.org/me/linux.git";
    git(&dir, &["remote", "add", "net", neutral])?;
    assert_eq!(
        reopen(&dir)?.infer_tree(None),
        Some((
            Tree::Net,
            TreeSource::Remote {
                name: "net".into(),
                url: neutral.into()
            }
        ))
    );

    // origin is preferred, and its URL names bpf-next.
    let bpf_next = "https://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf-next.git/";
    git(&dir, &["remote", "add", "origin", bpf_next])?;
    let origin = TreeSource::Remote {
        name: "origin".into(),
        url: bpf_next.into(),
    };
    assert_eq!(
        reopen(&dir)?.infer_tree(None),
        Some((Tree::BpfNext, origin.clone()))
    );

    // The branch's upstream remote comes first.
    git(&dir, &["config", "branch.work.remote", "net"])?;
    git(&dir, &["config", "branch.work.merge", "refs/heads/main"])?;
    assert!(matches!(
        reopen(&dir)?.infer_tree(None),
        Some((Tree::Net, TreeSource::Remote { .. }))
    ));

    // format.subjectPrefix beats remotes.
    git(&dir, &["config", "format.subjectPrefix", "PATCH net-next"])?;
    assert_eq!(
        reopen(&dir)?.infer_tree(None),
        Some((Tree::NetNext, TreeSource::FormatSubjectPrefix))
    );

    // b4's branch-description tracking beats format.subjectPrefix (b4 records the strategy
    // on every branch it prepares).
    git(
        &dir,
        &[
            "config",
            "branch.work.b4-prep-cover-strategy",
            "branch-description",
        ],
    )?;
    git(
        &dir,
        &[
            "config",
            "branch.work.b4-tracking",
            r#"{"series": {"revision": 1, "change-id": "x", "prefixes": ["bpf"]}}"#,
        ],
    )?;
    assert_eq!(
        reopen(&dir)?.infer_tree(None),
        Some((Tree::Bpf, TreeSource::B4Tracking))
    );

    // b4's cover commit (at the series base, patches on top), with the commit strategy.
    git(
        &dir,
        &["config", "branch.work.b4-prep-cover-strategy", "commit"],
    )?;
    let cover = "EDITME: cover title\n\nblurb\n\n--- b4-submit-tracking ---\n\
        # This section is used internally by b4 prep for tracking purposes.\n\
        {\n  \"series\": {\n    \"revision\": 2,\n    \"change-id\": \"20240101-x\",\n    \
        \"prefixes\": [\n      \"net\"\n    ],\n    \"base-branch\": \"master\"\n  }\n}";
    git(&dir, &["commit", "-q", "--allow-empty", "-m", cover])?;
    write(&dir.join("p1"), "1\n")?;
    commit(&dir, "net: patch one")?;
    write(&dir.join("p2"), "2\n")?;
    commit(&dir, "net: patch two")?;
    let repo = reopen(&dir)?;
    assert_eq!(
        repo.infer_tree(None),
        Some((Tree::Net, TreeSource::B4Tracking))
    );
    // A push names its remote: that decides before b4 and the rest.
    let bpf_url = "git://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf";
    assert_eq!(
        repo.infer_push_tree(None, "anything", bpf_url),
        Some((
            Tree::Bpf,
            TreeSource::Remote {
                name: "anything".into(),
                url: bpf_url.into()
            }
        ))
    );
    assert_eq!(
        repo.infer_push_tree(None, "net-next", neutral),
        Some((
            Tree::NetNext,
            TreeSource::Remote {
                name: "net-next".into(),
                url: neutral.into()
            }
        ))
    );
    assert_eq!(
        repo.infer_push_tree(None, "github", neutral),
        Some((Tree::Net, TreeSource::B4Tracking))
    );

    // Repository config beats everything but an explicit tree and a push's destination
    // (SPEC.md: pushing to bpf.git means bpf whatever the repository is set to); a remote
    // merely named after a tree comes after it.
    git(&dir, &["config", "bpf-policy.tree", "bpf-next"])?;
    let repo = reopen(&dir)?;
    assert_eq!(
        repo.infer_tree(None),
        Some((Tree::BpfNext, TreeSource::Config))
    );
    assert_eq!(
        repo.infer_push_tree(None, "anything", bpf_url),
        Some((
            Tree::Bpf,
            TreeSource::Remote {
                name: "anything".into(),
                url: bpf_url.into()
            }
        ))
    );
    assert_eq!(
        repo.infer_push_tree(None, "net-next", neutral),
        Some((Tree::BpfNext, TreeSource::Config))
    );
    assert_eq!(
        repo.infer_tree(Some(Tree::Iproute2)),
        Some((Tree::Iproute2, TreeSource::Explicit))
    );

    // The upstream branch's name, when nothing else says.
    let other = tmp.join("o");
    init(&other, init_args)?;
    commit(&other, "base")?;
    git(&other, &["checkout", "-q", "-b", "topic"])?;
    git(&other, &["config", "branch.topic.remote", "."])?;
    git(
        &other,
        &["config", "branch.topic.merge", "refs/heads/net-next"],
    )?;
    assert_eq!(
        reopen(&other)?.infer_tree(None),
        Some((Tree::NetNext, TreeSource::Branch("net-next".into())))
    );
    Ok(())
}

fn check_config(dir: &Path, init_args: &[&str]) -> TestResult {
    let tmp = test_tmp()?;
    write(
        &tmp.join("home/.gitconfig"),
        "[bpf-policy]\n\ttree = bpf\n\tdisable = global-rule\n",
    )?;
    init(dir, init_args)?;
    commit(dir, "base")?;
    write(
        &tmp.join("inc.config"),
        "[bpf-policy]\n\tfrom-include = yes\n",
    )?;
    let include = format!("includeIf.gitdir:{}/.path", dir.display());
    git(
        dir,
        &[
            "config",
            &include,
            &tmp.join("inc.config").to_string_lossy(),
        ],
    )?;
    git(dir, &["config", "--add", "bpf-policy.disable", "b"])?;
    git(dir, &["config", "--add", "bpf-policy.disable", "c"])?;
    git(dir, &["config", "bpf-policy.Rule-X.severity", "warning"])?;
    git(dir, &["config", "bpf-policy.flag", ""])?;
    git(dir, &["config", "user.name", "Someone"])?;
    let repo = Repo::open(dir)?;
    let want: Vec<(String, String)> = [
        ("bpf-policy.tree", "bpf"),
        ("bpf-policy.disable", "global-rule"),
        ("bpf-policy.from-include", "yes"),
        ("bpf-policy.disable", "b"),
        ("bpf-policy.disable", "c"),
        // git adds the key to the existing [bpf-policy] section, before [bpf-policy "Rule-X"].
        ("bpf-policy.flag", ""),
        ("bpf-policy.rule-x.severity", "warning"),
        // From the environment, as `git -c bpf-policy.tree=net` hands it to hooks.
        ("bpf-policy.tree", "net"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(repo.policy_config(), want);
    assert_eq!(repo.infer_tree(None), Some((Tree::Net, TreeSource::Config)));

    assert_eq!(repo.comment_char(), CommentChar::Hash);
    git(dir, &["config", "core.commentChar", ";"])?;
    assert_eq!(reopen(dir)?.comment_char(), CommentChar::Custom(";".into()));
    git(dir, &["config", "core.commentString", "//"])?;
    assert_eq!(
        reopen(dir)?.comment_char(),
        CommentChar::Custom("//".into())
    );
    git(dir, &["config", "--unset", "core.commentString"])?;
    git(dir, &["config", "core.commentChar", "auto"])?;
    assert_eq!(reopen(dir)?.comment_char(), CommentChar::Auto);
    Ok(())
}

#[test]
fn config_scopes_in_precedence_order() -> TestResult {
    isolated(
        "config_scopes_in_precedence_order",
        &[("GIT_CONFIG_PARAMETERS", "'bpf-policy.tree'='net'")],
        |tmp| {
            check_config(&tmp.join("r"), &[])?;
            assert_eq!(
                global_policy_config(),
                vec![
                    ("bpf-policy.tree".to_owned(), "bpf".to_owned()),
                    ("bpf-policy.disable".to_owned(), "global-rule".to_owned()),
                    ("bpf-policy.tree".to_owned(), "net".to_owned()),
                ]
            );
            Ok(())
        },
    )
}

#[test]
fn config_through_git() -> TestResult {
    isolated(
        "config_through_git",
        &[("GIT_CONFIG_PARAMETERS", "'bpf-policy.tree'='net'")],
        |tmp| check_config(&tmp.join("r"), &["--ref-format=reftable"]),
    )
}

#[test]
fn outside_any_repository() -> TestResult {
    isolated(
        "outside_any_repository",
        &[("GIT_CEILING_DIRECTORIES", "{tmp}")],
        |tmp| {
            let empty = tmp.join("empty");
            std::fs::create_dir_all(&empty)?;
            assert!(Repo::discover(&empty)?.is_none());
            match Repo::open(&empty) {
                Err(e @ RepoError::NotARepository { .. }) => {
                    assert!(e.to_string().contains("not a git repository"));
                }
                other => return Err(format!("{other:?}").into()),
            }
            assert!(Repo::discover(&tmp.join("missing")).is_err());
            Ok(())
        },
    )
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn give_away(dir: &Path) -> TestResult {
    let out = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(dir)
        .output()?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    Ok(())
}

#[test]
fn repository_owned_by_someone_else() -> TestResult {
    if !running_as_root() {
        eprintln!("skipped: needs root to give a repository away");
        return Ok(());
    }
    isolated("repository_owned_by_someone_else", &[], |tmp| {
        let dir = tmp.join("own");
        make_history(&dir, &[])?;
        give_away(&dir)?;
        match Repo::open(&dir) {
            Err(e @ RepoError::Unsafe { .. }) => {
                assert!(e.to_string().contains("safe.directory"), "{e}");
            }
            other => return Err(format!("{other:?}").into()),
        }
        Ok(())
    })
}

#[test]
fn foreign_repository_named_by_git_dir() -> TestResult {
    if !running_as_root() {
        eprintln!("skipped: needs root to give a repository away");
        return Ok(());
    }
    isolated(
        "foreign_repository_named_by_git_dir",
        &[("GIT_DIR", "{tmp}/own/.git")],
        |tmp| {
            let dir = tmp.join("own");
            let h = make_history(&dir, &[])?;
            give_away(&dir)?;
            // git trusts an explicit GIT_DIR (as in a hook); libgit2 does not, so git serves it.
            let repo = Repo::open(&dir)?;
            assert!(repo.fallback_reason().is_some());
            assert_eq!(repo.resolve(&h.c2[..12]), info(&h.c2, "bpf: fix foo"));
            assert_eq!(repo.is_ancestor(&h.c1, None), Some(true));
            Ok(())
        },
    )
}

/// MAINTAINERS at HEAD, where a commit is (mainline tags, the fixes tree's remote-tracking
/// branches), and b4 branches: what scope detection and fixes-tree ask.
fn check_scope_facts(tmp: &Path, init_args: &[&str]) -> TestResult {
    use bpf_policy::repo::Reach;
    let dir = tmp.join("r");
    init(&dir, init_args)?;
    write(&dir.join("MAINTAINERS"), "BPF [GENERAL]\nF:\tkernel/bpf/\n")?;
    let c1 = commit(&dir, "MAINTAINERS: Add BPF")?;
    git(&dir, &["tag", "v6.12-rc1"])?;
    git(&dir, &["tag", "-a", "-m", "Linux 6.12", "v6.12"])?;
    write(&dir.join("kernel/bpf/core.c"), "x\n")?;
    let c2 = commit(&dir, "bpf: Add x")?;
    let bare = tmp.join("bpf.git");
    let mut args = vec!["init", "-q", "--bare"];
    args.extend(init_args);
    let bare_s = bare.to_string_lossy().into_owned();
    args.push(&bare_s);
    git(tmp, &args)?;
    git(&dir, &["remote", "add", "origin", &bare_s])?;
    git(&dir, &["push", "-q", "origin", "master"])?;
    git(&dir, &["fetch", "-q", "origin"])?;
    write(&dir.join("kernel/bpf/core.c"), "y\n")?;
    let c3 = commit(&dir, "bpf: Add y")?;
    // The working copy's edits are not what a patch applies to.
    write(&dir.join("MAINTAINERS"), "edited\n")?;

    let repo = Repo::open(&dir)?;
    match repo.maintainers_parsed() {
        bpf_policy::repo::MaintainersAt::Parsed(m) => {
            assert_eq!(m.text(), "BPF [GENERAL]\nF:\tkernel/bpf/\n");
        }
        other => return Err(format!("MAINTAINERS at HEAD: {other:?}").into()),
    }
    let inside = |r: &Reach| {
        (
            r.release.as_ref().map(|x| x.0),
            r.tree_branch.as_ref().map(|x| x.0),
        )
    };
    let r = repo.reach(&c1, Tree::Bpf);
    assert_eq!(inside(&r), (Some(true), Some(true)));
    let r = repo.reach(&c2, Tree::Bpf);
    assert_eq!(inside(&r), (Some(false), Some(true)), "{r:?}");
    assert!(r.release.is_some_and(|x| x.1.contains("v6.12")));
    assert!(r.tree_branch.is_some_and(|x| x.1.contains("'origin'")));
    let r = repo.reach(&c3, Tree::Bpf);
    assert_eq!(inside(&r), (Some(false), Some(false)));
    // No remote fetches net: only the tags can say anything.
    assert_eq!(inside(&repo.reach(&c3, Tree::Net)), (Some(false), None));
    assert!(!repo.b4_branch());
    git(
        &dir,
        &["config", "branch.master.b4-prep-cover-strategy", "commit"],
    )?;
    assert!(Repo::open(&dir)?.b4_branch());
    Ok(())
}

#[test]
fn scope_facts_through_libgit2() -> TestResult {
    isolated("scope_facts_through_libgit2", &[], |tmp| {
        check_scope_facts(tmp, &[])
    })
}

#[test]
fn scope_facts_through_git() -> TestResult {
    isolated("scope_facts_through_git", &[], |tmp| {
        check_scope_facts(tmp, &["--object-format=sha256"])
    })
}

#[test]
fn a_projects_own_tags_are_not_mainline() -> TestResult {
    isolated("a_projects_own_tags_are_not_mainline", &[], |tmp| {
        let dir = tmp.join("r");
        init(&dir, &[])?;
        write(&dir.join("a"), "a\n")?;
        let c1 = commit(&dir, "Initial")?;
        git(&dir, &["tag", "v0.3"])?;
        git(&dir, &["tag", "v6.2"])?;
        let repo = Repo::open(&dir)?;
        assert_eq!(repo.reach(&c1, Tree::Bpf).release, None);
        Ok(())
    })
}
