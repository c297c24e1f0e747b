//! Scope detection's MAINTAINERS entries (BPF, NETWORKING, XDP) kept per MAINTAINERS version
//! in the state directory: the same entries as picked from the whole file, a new key for a
//! new MAINTAINERS, and a cache that is damaged, planted or cannot be written only costs the
//! read of the whole file. Both backends, on the kernel's real MAINTAINERS.

use std::error::Error;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use bpf_policy::maintainers::Maintainers;
use bpf_policy::repo::MaintainersAt;
use bpf_policy::scope::OUR_ENTRIES;
use bpf_policy_repo::Repo;

type Res<T> = Result<T, Box<dyn Error>>;

fn git(dir: &Path, args: &[&str]) -> Res<String> {
    let mut c = Command::new("git");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("GIT_") {
            c.env_remove(k);
        }
    }
    let out = c
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", "C")
        .env("GIT_COMMITTER_EMAIL", "c@example.org")
        .args(args)
        .output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn real_maintainers() -> Res<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/maintainers/MAINTAINERS");
    Ok(std::fs::read_to_string(p)?)
}

/// A repository whose HEAD holds `maintainers` (`sha256`: one only the git command reads).
fn repo_with(maintainers: &str, sha256: bool) -> Res<tempfile::TempDir> {
    let t = tempfile::tempdir()?;
    let mut init = vec!["init", "-q"];
    if sha256 {
        init.push("--object-format=sha256");
    }
    git(t.path(), &init)?;
    std::fs::write(t.path().join("MAINTAINERS"), maintainers)?;
    git(t.path(), &["add", "."])?;
    git(t.path(), &["commit", "-q", "-m", "init"])?;
    Ok(t)
}

fn cache_file(dir: &Path) -> Res<PathBuf> {
    let id = git(dir, &["rev-parse", "HEAD:MAINTAINERS"])?;
    Ok(dir.join(format!(".git/bpf-policy/maintainers-{id}.ours")))
}

/// What scope gets from the repository: the entries' text, whether the repository kept them
/// apart, and the cache note.
fn ours(dir: &Path) -> Res<(String, Option<String>)> {
    let repo = Repo::open(dir)?;
    let text = match repo.facts().our_entries() {
        Some(MaintainersAt::Parsed(m)) => m.text().to_owned(),
        other => return Err(format!("our entries: {other:?}").into()),
    };
    Ok((text, repo.maintainers_cache_note().map(str::to_owned)))
}

/// Whether an entry of `text` covers `path`.
fn covers(text: &str, path: &str) -> bool {
    Maintainers::parse(text).first_covered(&[path]).is_some()
}

const PATHS: &[&str] = &[
    "kernel/bpf/verifier.c",
    "net/core/filter.c",
    "net/netfilter/nf_tables_api.c",
    "net/bluetooth/hci_core.c",
    "drivers/net/ethernet/intel/ice/ice_main.c",
    "drivers/net/wireless/ath/ath11k/core.c",
    "include/linux/bpf.h",
    "tools/testing/selftests/bpf/progs/x.c",
    "arch/x86/net/bpf_jit_comp.c",
    "fs/ext4/inode.c",
    "kernel/sched/core.c",
    "Documentation/networking/xdp-rx-metadata.rst",
];

fn same_as_uncached(sha256: bool) -> Res<()> {
    let full = real_maintainers()?;
    let want = Maintainers::from_text(full.clone()).named(OUR_ENTRIES);
    assert!(want.len() > 40, "{} entries", want.len());
    let t = repo_with(&full, sha256)?;
    let file = cache_file(t.path())?;
    assert!(!file.exists());

    // Cold: read from the blob, kept.
    let (cold, note) = ours(t.path())?;
    let note = note.ok_or("no note")?;
    assert!(note.contains("read from the file, kept in"), "{note}");
    assert!(file.is_file());
    let mode = std::fs::metadata(&file)?.permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // Warm: from the cache.
    let (warm, note) = ours(t.path())?;
    let note = note.ok_or("no note")?;
    assert!(
        note.contains("entries from") && note.contains(".ours"),
        "{note}"
    );
    for got in [&cold, &warm] {
        assert_eq!(got.as_str(), want.text());
        let m = Maintainers::parse(got);
        assert_eq!(m.len(), want.len());
        assert_eq!(
            m.addresses().collect::<Vec<_>>(),
            want.addresses().collect::<Vec<_>>()
        );
        for p in PATHS {
            assert_eq!(
                m.first_covered(&[p]).is_some(),
                want.first_covered(&[p]).is_some(),
                "{p}"
            );
        }
    }
    assert!(covers(&warm, "kernel/bpf/verifier.c") && !covers(&warm, "fs/ext4/inode.c"));

    // A hit, then the whole file for the recipients rules: read once, and it is HEAD's.
    let repo = Repo::open(t.path())?;
    assert!(matches!(
        repo.facts().our_entries(),
        Some(MaintainersAt::Parsed(_))
    ));
    match repo.facts().maintainers_parsed() {
        MaintainersAt::Parsed(m) => assert_eq!(m.text(), full),
        other => return Err(format!("{other:?}").into()),
    }

    // A hit does not read the blob at all: with the object gone, the entries still come
    // from the cache (while the whole file cannot be read).
    let id = git(t.path(), &["rev-parse", "HEAD:MAINTAINERS"])?;
    let (fan, rest) = id.split_at(2);
    std::fs::remove_file(t.path().join(".git/objects").join(fan).join(rest))?;
    let repo = Repo::open(t.path())?;
    match repo.facts().our_entries() {
        Some(MaintainersAt::Parsed(m)) => assert_eq!(m.text(), want.text()),
        other => return Err(format!("our entries: {other:?}").into()),
    }
    assert!(matches!(
        repo.facts().maintainers_parsed(),
        MaintainersAt::Unreadable(_)
    ));
    // Without the cache, the same loss leaves scope nothing from MAINTAINERS.
    std::fs::remove_file(&file)?;
    assert!(matches!(
        Repo::open(t.path())?.facts().our_entries(),
        Some(MaintainersAt::Unreadable(_))
    ));
    Ok(())
}

#[test]
fn cached_entries_equal_uncached_through_libgit2() -> Res<()> {
    same_as_uncached(false)
}

#[test]
fn cached_entries_equal_uncached_through_git() -> Res<()> {
    same_as_uncached(true)
}

#[test]
fn a_new_maintainers_is_a_new_key() -> Res<()> {
    let full = real_maintainers()?;
    let t = repo_with(&full, false)?;
    let old_file = cache_file(t.path())?;
    let (before, _) = ours(t.path())?;
    assert!(!covers(&before, "fs/bpf_extra/x.c"));
    // The BPF entry gains a directory.
    let edited = full.replacen(
        "F:\tkernel/bpf/\n",
        "F:\tfs/bpf_extra/\nF:\tkernel/bpf/\n",
        1,
    );
    assert_ne!(edited, full);
    std::fs::write(t.path().join("MAINTAINERS"), &edited)?;
    // Only committed: the work tree's copy is not what patches apply to.
    let (still, note) = ours(t.path())?;
    assert!(!covers(&still, "fs/bpf_extra/x.c"));
    assert!(note.is_some_and(|n| n.contains("entries from")));
    git(
        t.path(),
        &["commit", "-q", "-am", "MAINTAINERS: add fs/bpf_extra"],
    )?;
    let new_file = cache_file(t.path())?;
    assert_ne!(old_file, new_file);
    let (after, note) = ours(t.path())?;
    assert!(note.is_some_and(|n| n.contains("kept in")));
    assert!(covers(&after, "fs/bpf_extra/x.c"));
    assert!(new_file.is_file() && old_file.is_file());
    let (again, note) = ours(t.path())?;
    assert_eq!(again, after);
    assert!(note.is_some_and(|n| n.contains("entries from")));
    Ok(())
}

#[test]
fn a_planted_link_is_not_followed() -> Res<()> {
    let full = real_maintainers()?;
    let t = repo_with(&full, false)?;
    let file = cache_file(t.path())?;
    std::fs::create_dir_all(file.parent().ok_or("no parent")?)?;
    let victim = t.path().join("victim");
    std::fs::write(&victim, "precious\n")?;
    std::os::unix::fs::symlink(&victim, &file)?;
    let want = Maintainers::from_text(full).named(OUR_ENTRIES);
    let (got, note) = ours(t.path())?;
    assert_eq!(got, want.text());
    assert!(note.is_some_and(|n| n.contains("symbolic link")));
    assert_eq!(std::fs::read_to_string(&victim)?, "precious\n");
    // The link itself was replaced by a cache file of ours, which the next run uses.
    assert!(!std::fs::symlink_metadata(&file)?.file_type().is_symlink());
    let (again, note) = ours(t.path())?;
    assert_eq!(again, want.text());
    assert!(note.is_some_and(|n| n.contains("entries from")));
    assert_eq!(std::fs::read_to_string(&victim)?, "precious\n");

    // A link in place of the state directory itself: refused; nothing written through it.
    let elsewhere = tempfile::tempdir()?;
    std::fs::remove_dir_all(t.path().join(".git/bpf-policy"))?;
    std::os::unix::fs::symlink(elsewhere.path(), t.path().join(".git/bpf-policy"))?;
    let (got, note) = ours(t.path())?;
    assert_eq!(got, want.text());
    assert!(note.is_some_and(|n| n.contains("cannot keep them")));
    assert_eq!(std::fs::read_dir(elsewhere.path())?.count(), 0);
    Ok(())
}

#[test]
fn damaged_cache_files_are_ignored_and_replaced() -> Res<()> {
    let full = real_maintainers()?;
    let want = Maintainers::from_text(full.clone()).named(OUR_ENTRIES);
    let t = repo_with(&full, false)?;
    let file = cache_file(t.path())?;
    ours(t.path())?;
    let good = std::fs::read(&file)?;
    // A file that claims to hold no entries at all must not pass for one.
    let empty_claim = {
        let text = String::from_utf8_lossy(&good);
        let head_end = text.find("\n\n").ok_or("no header")? + 2;
        text[..head_end].to_owned()
    };
    let mut flipped = good.clone();
    let at = good.len() - 10;
    flipped[at] = b'Z';
    let damaged: Vec<Vec<u8>> = vec![
        b"garbage".to_vec(),
        Vec::new(),
        good[..good.len() / 2].to_vec(),
        flipped,
        empty_claim.into_bytes(),
        [good.as_slice(), b"F:\tfs/\n"].concat(),
    ];
    for bad in damaged {
        std::fs::write(&file, &bad)?;
        let (got, note) = ours(t.path())?;
        assert_eq!(got, want.text());
        let note = note.ok_or("no note")?;
        assert!(note.contains("not used"), "{note}");
        assert_eq!(std::fs::read(&file)?, good, "replaced by a good one");
    }
    // Another MAINTAINERS version's file under this name (copied by hand): not used.
    let other = repo_with("BPF\nF:\tfs/\n", false)?;
    ours(other.path())?;
    std::fs::copy(cache_file(other.path())?, &file)?;
    let (got, _) = ours(t.path())?;
    assert_eq!(got, want.text());
    assert!(!covers(&got, "fs/ext4/inode.c"));
    Ok(())
}

#[test]
fn a_state_directory_that_cannot_be_used_costs_only_the_read() -> Res<()> {
    let full = real_maintainers()?;
    let want = Maintainers::from_text(full.clone()).named(OUR_ENTRIES);
    let t = repo_with(&full, false)?;
    let state = t.path().join(".git/bpf-policy");
    // Something else where the directory goes.
    std::fs::write(&state, "not a directory\n")?;
    let (got, note) = ours(t.path())?;
    assert_eq!(got, want.text());
    assert!(note.is_some_and(|n| n.contains("cannot keep them")));
    assert_eq!(std::fs::read_to_string(&state)?, "not a directory\n");
    std::fs::remove_file(&state)?;
    // A directory that cannot be written (root writes anyway: then it is simply kept).
    std::fs::create_dir(&state)?;
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o500))?;
    let (got, _) = ours(t.path())?;
    assert_eq!(got, want.text());
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o700))?;
    // Someone else's directory (only root can make one here).
    if bpf_policy_repo::state::current_uid()? == 0 {
        std::fs::remove_dir_all(&state)?;
        std::fs::create_dir(&state)?;
        std::os::unix::fs::chown(&state, Some(4242), Some(4242))?;
        let (got, note) = ours(t.path())?;
        assert_eq!(got, want.text());
        assert!(note.is_some_and(|n| n.contains("uid 4242")));
        assert_eq!(std::fs::read_dir(&state)?.count(), 0);
    }
    Ok(())
}
