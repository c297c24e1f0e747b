//! End to end: the commit-msg hook in a kernel checkout with no tree set decides scope by the
//! BPF/NETWORKING/XDP entries of HEAD's MAINTAINERS (the kernel's real one), which it keeps in
//! `.git/bpf-policy/maintainers-<blob id>.ours` so later commits need not read the whole file.
//! A new MAINTAINERS is a new key; a planted link, a damaged file or a state directory that
//! cannot be used changes no verdict and says nothing unless asked (BPF_POLICY_VERBOSE).

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;

use bpf_policy_e2e::{
    Repo, Res, SOB, TestResult, blocked_by, install, stage, stderr, workspace_root,
};

const WHY: &str = "The table was freed twice when the update failed, because the error path\ndropped a reference the caller still held. Keep it until the caller is done.";

/// A kernel checkout (the real MAINTAINERS at HEAD) with the hooks and no target tree.
fn kernel_checkout() -> Res<Repo> {
    let r = Repo::new()?;
    let text =
        std::fs::read_to_string(workspace_root().join("tests/data/maintainers/MAINTAINERS"))?;
    r.commit(
        "MAINTAINERS",
        &text,
        &format!("MAINTAINERS: import\n\n{WHY}\n\n{SOB}"),
    )?;
    let out = install(&r, &["--no-build"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(r)
}

/// The cache file for HEAD's MAINTAINERS.
fn cache_file(r: &Repo) -> Res<PathBuf> {
    let id = r.git(&["rev-parse", "HEAD:MAINTAINERS"])?;
    Ok(r.path()
        .join(format!(".git/bpf-policy/maintainers-{}.ours", id.trim())))
}

/// Commit a change to `file` with a `Cc: stable` the BPF rules refuse (no-stable-cc) and the
/// kernel-wide rules allow: the exit code says whether the hook judged it BPF work. A
/// blocked commit leaves the index as it was.
fn commit(r: &Repo, file: &str, verbose: bool) -> Res<Output> {
    stage(r, file)?;
    let msg = format!("subsys: Fix a leak\n\n{WHY}\n\nCc: stable@vger.kernel.org\n{SOB}");
    let mut c = r.cmd("git");
    c.args(["commit", "-q", "-m", &msg]);
    if verbose {
        c.env("BPF_POLICY_VERBOSE", "1");
    }
    let out = c.output()?;
    // A blocked commit leaves the file staged: unstage it, so the next commit is its own.
    if !out.status.success() {
        r.git(&["reset", "-q"])?;
    }
    Ok(out)
}

/// `file` is judged BPF work (blocked by no-stable-cc), quietly about the cache.
fn in_scope(r: &Repo, file: &str) -> TestResult {
    let out = commit(r, file, false)?;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{file}: {err}");
    assert!(err.contains("error[no-stable-cc]"), "{file}: {err}");
    assert!(
        !err.contains("maintainers-") && !err.contains("cache"),
        "{err}"
    );
    Ok(())
}

/// `file` is not BPF work: committed.
fn out_of_scope(r: &Repo, file: &str) -> TestResult {
    let out = commit(r, file, false)?;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{file}: {err}");
    assert!(
        !err.contains("maintainers-") && !err.contains("cache"),
        "{err}"
    );
    Ok(())
}

#[test]
fn the_hook_keeps_our_entries_per_maintainers_version() -> TestResult {
    let r = kernel_checkout()?;
    let first = cache_file(&r)?;
    assert!(!first.exists());
    let out = commit(&r, "kernel/bpf/core.c", true)?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("kept in"), "{}", stderr(&out));
    assert!(first.is_file());
    let mode = std::fs::metadata(&first)?.permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // Warm: the same verdicts, from the cache.
    let out = commit(&r, "kernel/bpf/core.c", true)?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("entries from"), "{}", stderr(&out));
    in_scope(&r, "drivers/net/ethernet/intel/ice/ice_main.c")?;
    out_of_scope(&r, "fs/ext4/inode.c")?;
    out_of_scope(&r, "fs/bpf_extra/a.c")?;

    // The BPF entry gains fs/bpf_extra/: a new MAINTAINERS, a new key, the new entry used.
    let text = std::fs::read_to_string(r.path().join("MAINTAINERS"))?;
    let edited = text.replacen(
        "F:\tkernel/bpf/\n",
        "F:\tfs/bpf_extra/\nF:\tkernel/bpf/\n",
        1,
    );
    assert_ne!(edited, text);
    r.commit(
        "MAINTAINERS",
        &edited,
        &format!("MAINTAINERS: add fs/bpf_extra\n\n{WHY}\n\n{SOB}"),
    )?;
    let second = cache_file(&r)?;
    assert_ne!(first, second);
    let out = commit(&r, "fs/bpf_extra/a.c", true)?;
    blocked_by(&out, "no-stable-cc");
    assert!(stderr(&out).contains("kept in"), "{}", stderr(&out));
    assert!(second.is_file());
    in_scope(&r, "fs/bpf_extra/a.c")?;
    out_of_scope(&r, "fs/ext4/inode.c")?;
    Ok(())
}

#[test]
fn cache_trouble_changes_no_verdict() -> TestResult {
    let r = kernel_checkout()?;
    in_scope(&r, "kernel/bpf/core.c")?;
    let file = cache_file(&r)?;
    assert!(file.is_file());
    let good = std::fs::read(&file)?;

    // A link planted in place of the cache file: not followed, its target untouched.
    let victim = r.home.path().join("victim");
    std::fs::write(&victim, "precious\n")?;
    std::fs::remove_file(&file)?;
    std::os::unix::fs::symlink(&victim, &file)?;
    in_scope(&r, "kernel/bpf/core.c")?;
    out_of_scope(&r, "fs/ext4/inode.c")?;
    assert_eq!(std::fs::read_to_string(&victim)?, "precious\n");
    assert_eq!(std::fs::read(&file)?, good);

    // Garbage, or a file cut short: ignored and replaced.
    for bad in [&b"\x00garbage\xff"[..], &good[..good.len() - 100]] {
        std::fs::write(&file, bad)?;
        in_scope(&r, "net/core/dev.c")?;
        out_of_scope(&r, "fs/ext4/inode.c")?;
        assert_eq!(std::fs::read(&file)?, good);
    }

    // No usable state directory: a file where it goes, then a directory that cannot be
    // written (root writes anyway). The verdicts stay; --verbose says why nothing was kept.
    let state = r.path().join(".git/bpf-policy");
    std::fs::remove_dir_all(&state)?;
    std::fs::write(&state, "in the way\n")?;
    in_scope(&r, "kernel/bpf/core.c")?;
    out_of_scope(&r, "fs/ext4/inode.c")?;
    let out = commit(&r, "kernel/bpf/core.c", true)?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot keep them"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&state)?, "in the way\n");
    std::fs::remove_file(&state)?;
    std::fs::create_dir(&state)?;
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o500))?;
    in_scope(&r, "kernel/bpf/core.c")?;
    out_of_scope(&r, "fs/ext4/inode.c")?;
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}
