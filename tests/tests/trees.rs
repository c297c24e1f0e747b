//! End to end: every tree a kernel developer sends to, through the real hooks (POLICY.md,
//! "Scope" and the trees table). One kernel-like checkout set to bpf-next sends a netfilter
//! patch, a net fix with Cc: stable, a bpf fix for a commit only in bpf-next, replies and pull
//! requests.

use std::path::PathBuf;

use bpf_policy_e2e::{
    Repo, Res, SOB, TestResult, bare_remote, blocked_by, commit_hooked, install, install_checked,
    send_email, sent, smtp_script, stderr,
};

const WHY: &str = "The table was freed twice when the update failed, because the error path\ndropped a reference the caller still held. Keep it until the caller is done.";

/// A repository with the hooks installed by install.sh, set to `tree`.
fn installed(tree: &str) -> Res<Repo> {
    let r = Repo::new()?;
    install_checked(&r, &["--no-build", "--tree", tree])?;
    Ok(r)
}

/// Kernel-like history: a MAINTAINERS with BPF and NETWORKING entries, mainline tags of both
/// kinds (vX.Y and vX.Y-rcN), then a BPF and a netfilter commit.
fn kernel_like(r: &Repo) -> Res<()> {
    r.commit(
        "MAINTAINERS",
        "BPF [GENERAL] (Safe Dynamic Programs and Tools)\nM:\tAlexei Starovoitov <ast@kernel.org>\nL:\tbpf@vger.kernel.org\nF:\tkernel/bpf/\n\n\
NETFILTER\nM:\tPablo Neira Ayuso <pablo@netfilter.org>\nL:\tnetfilter-devel@vger.kernel.org\nF:\tnet/netfilter/\n\n\
NETWORKING [GENERAL]\nM:\tJakub Kicinski <kuba@kernel.org>\nL:\tnetdev@vger.kernel.org\nF:\tnet/\n",
        &format!("MAINTAINERS: Add entries\n\nSo patches find their lists.\n\n{SOB}"),
    )?;
    r.git(&["tag", "v6.12-rc1"])?;
    r.git(&["tag", "v6.12"])?;
    r.git(&["tag", "v6.13-rc1"])?;
    Ok(())
}

#[test]
fn another_subsystems_patch_is_sent_without_bpf_errors() -> TestResult {
    let r = installed("bpf-next")?;
    kernel_like(&r)?;
    let bug = r.commit(
        "net/netfilter/nf_tables_api.c",
        "base\n",
        &format!("netfilter: nf_tables: Add set updates\n\nAdd them.\n\n{SOB}"),
    )?;
    // A netfilter fix, committed through commit-msg, sent to netfilter-devel as nf-next: no
    // BPF routing rule (tree typo, list, Fixes: for bpf) may stop it.
    let out = commit_hooked(
        &r,
        "net/netfilter/nf_tables_api.c",
        &format!(
            "netfilter: nf_tables: Fix a double free of set elements\n\n{WHY}\n\nFixes: {} (\"netfilter: nf_tables: Add set updates\")\n{SOB}",
            &bug[..12]
        ),
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    let (script, log) = smtp_script(&r)?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH nf-next", "-1"])?;
    let out = send_email(&r, &script, "netfilter-devel@vger.kernel.org", &files)?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("error["), "{err}");
    assert_eq!(sent(&log)?, 1);

    // Kernel-wide rules still hold for it: no sign-off, nothing goes out.
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "--amend",
        "-m",
        "netfilter: nf_tables: Fix a double free of set elements\n\nWhy.",
    ])?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH nf-next", "-1"])?;
    let out = send_email(&r, &script, "netfilter-devel@vger.kernel.org", &files)?;
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("error[signoff-missing]"), "{err}");
    assert!(
        !err.contains("subject-tree") && !err.contains("recipient-list"),
        "{err}"
    );
    assert_eq!(sent(&log)?, 1);
    Ok(())
}

#[test]
fn a_net_fix_may_cc_stable() -> TestResult {
    let r = installed("bpf-next")?;
    kernel_like(&r)?;
    let bug = r.commit(
        "net/core/dev.c",
        "base\n",
        &format!("net: Add busy polling\n\nAdd it.\n\n{SOB}"),
    )?;
    // Committed past commit-msg: this checkout targets bpf-next, where Cc: stable is an error.
    r.commit(
        "net/core/dev.c",
        "fixed\n",
        &format!(
            "net: Fix a use after free in busy polling\n\n{WHY}\n\nFixes: {} (\"net: Add busy polling\")\nCc: stable@vger.kernel.org\n{SOB}",
            &bug[..12]
        ),
    )?;
    let (script, log) = smtp_script(&r)?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH net", "-1"])?;
    let out = send_email(&r, &script, "netdev@vger.kernel.org", &files)?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("no-stable-cc"), "{err}");
    assert_eq!(sent(&log)?, 1);

    // The same patch for bpf is refused for its Cc: stable.
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf", "-1"])?;
    let out = send_email(&r, &script, "bpf@vger.kernel.org", &files)?;
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("error[no-stable-cc]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 1);
    Ok(())
}

#[test]
fn a_bpf_fix_for_a_commit_only_in_bpf_next_gets_fixes_tree() -> TestResult {
    let r = installed("bpf-next")?;
    kernel_like(&r)?;
    let bug = r.commit(
        "kernel/bpf/syscall.c",
        "base\n",
        &format!("bpf: Add map refcounting\n\nAdd it.\n\n{SOB}"),
    )?;
    // bpf-next has the commit; no mainline tag contains it.
    bare_remote(&r, "bpf-next", "bpf-next.git")?;
    r.git(&["push", "-q", "--no-verify", "bpf-next", "master"])?;
    r.git(&["fetch", "-q", "bpf-next"])?;
    r.commit(
        "kernel/bpf/syscall.c",
        "fixed\n",
        &format!(
            "bpf: Fix a refcount leak in map update\n\n{WHY}\n\nFixes: {} (\"bpf: Add map refcounting\")\n{SOB}",
            &bug[..12]
        ),
    )?;
    let (script, log) = smtp_script(&r)?;
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf", "-1"])?;
    let out = send_email(&r, &script, "bpf@vger.kernel.org", &files)?;
    let err = stderr(&out);
    assert!(out.status.success(), "a warning does not block: {err}");
    assert!(err.contains("warning[fixes-tree]"), "{err}");
    assert!(
        err.contains(&bug[..12]) && err.contains("v6.13-rc1"),
        "{err}"
    );
    assert_eq!(sent(&log)?, 1);

    // Once mainline has it (tagged), the fix belongs in bpf: nothing to say. (The first send
    // is dropped from the send log, or the same patch again would be a repost within a day.)
    r.git(&["tag", "v6.13-rc2", &bug])?;
    std::fs::remove_file(r.path().join(".git/bpf-policy/sent.log"))?;
    let out = send_email(&r, &script, "bpf@vger.kernel.org", &files)?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("fixes-tree"), "{err}");
    Ok(())
}

#[test]
fn replies_and_pull_requests_are_not_patches() -> TestResult {
    let r = installed("bpf-next")?;
    kernel_like(&r)?;
    let (script, log) = smtp_script(&r)?;
    let reply = r.home.path().join("reply.txt");
    std::fs::write(
        &reply,
        "From: A U Thor <author@example.org>\nSubject: Re: [PATCH bpf-next] bpf: Add foo\n\n> Why not u64?\n\nBecause the counter wraps at 32 bits in the uapi.\n",
    )?;
    let out = send_email(
        &r,
        &script,
        "bpf@vger.kernel.org",
        std::slice::from_ref(&reply),
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 1);

    let pull = |date: &str| -> Result<PathBuf, std::io::Error> {
        let p = r.home.path().join(format!("pull-{date}.txt"));
        std::fs::write(
            &p,
            format!(
                "From: A U Thor <author@example.org>\nSubject: [GIT PULL] pull-request: bpf-next {date}\n\nHi David, hi Jakub,\n\nThe following pull-request contains BPF updates for your net-next tree.\n"
            ),
        )?;
        Ok(p)
    };
    let out = send_email(
        &r,
        &script,
        "netdev@vger.kernel.org",
        &[pull("2024-10-01")?],
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&log)?, 2);
    let out = send_email(
        &r,
        &script,
        "netdev@vger.kernel.org",
        &[pull("2024-13-01")?],
    )?;
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("error[pull-request-subject]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&log)?, 2);
    Ok(())
}

#[test]
fn commit_msg_judges_other_subsystems_by_the_kernel_wide_rules() -> TestResult {
    // No target tree: the staged files decide whether a commit is BPF or netdev work.
    let r = Repo::new()?;
    let out = install(&r, &["--no-build"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let msg = format!("ext4: Fix a leak\n\n{WHY}\n\nCc: stable@vger.kernel.org\n{SOB}");
    let p = r.path().join("fs/ext4/inode.c");
    std::fs::create_dir_all(p.parent().ok_or("no parent")?)?;
    std::fs::write(&p, "x\n")?;
    r.git(&["add", "fs/ext4/inode.c"])?;
    let out = r
        .cmd("git")
        .args(["commit", "-q", "-m", &msg])
        .env("BPF_POLICY_VERBOSE", "1")
        .output()?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("not BPF/netdev work") && err.contains("touches no BPF or networking file"),
        "{err}"
    );
    // The same message for a BPF file: Cc: stable is refused.
    let out = commit_hooked(&r, "kernel/bpf/core.c", &msg.replace("ext4", "bpf"))?;
    blocked_by(&out, "no-stable-cc");
    // Kernel-wide rules still hold outside: no sign-off, no commit.
    let out = commit_hooked(&r, "fs/ext4/inode.c", &format!("ext4: Fix x\n\n{WHY}"))?;
    blocked_by(&out, "signoff-missing");
    Ok(())
}
