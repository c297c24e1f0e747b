//! `bpf-policy hook NAME [ARG]...`: the hook programs, reached through the one command that is
//! on PATH, so that a hook manager (pre-commit) runs exactly what git's own hooks run, and
//! nothing about merges, fixups, b4's cover commit, staged files or the remote's tree is
//! done twice in two ways.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use clap::ValueEnum;

use crate::{EXIT_UNUSABLE, EXIT_VIOLATION};

/// The hooks.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HookName {
    /// Check the commit message file git (or pre-commit) passes.
    CommitMsg,
    /// Check the commits a push would add to the remote.
    PrePush,
    /// Check an email git send-email is about to send.
    SendemailValidate,
}

impl HookName {
    fn program(self) -> &'static str {
        match self {
            HookName::CommitMsg => "bpf-policy-commit-msg",
            HookName::PrePush => "bpf-policy-pre-push",
            HookName::SendemailValidate => "bpf-policy-sendemail-validate",
        }
    }
}

pub fn run(hook: HookName, args: &[OsString]) -> u8 {
    let program = locate(hook.program());
    let mut cmd = Command::new(&program);
    // Only install.sh's hook scripts set it; a hook manager's run is never subject to the
    // marker check, whatever environment it inherited.
    cmd.env_remove("BPF_POLICY_SHIM");
    let mut refs = None;
    if matches!(hook, HookName::PrePush) && args.is_empty() && env("PRE_COMMIT").is_some() {
        match pre_commit_push() {
            Ok((remote, url, line)) => {
                cmd.arg(remote).arg(url).stdin(Stdio::piped());
                refs = Some(line);
            }
            Err(msg) => {
                crate::say(format_args!("{msg}"));
                return EXIT_UNUSABLE;
            }
        }
    } else {
        cmd.args(args);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "bpf-policy: {} is neither next to this bpf-policy nor on PATH; install the hooks' \
                 programs with install.sh (install.sh --hooks '' installs only the programs), or \
                 cargo install --path crates/hooks",
                hook.program()
            );
            return EXIT_UNUSABLE;
        }
        Err(e) => {
            crate::say(format_args!("cannot run {}: {e}", program.display()));
            return EXIT_UNUSABLE;
        }
    };
    if let (Some(line), Some(mut stdin)) = (refs, child.stdin.take()) {
        // The hook drains its input before it checks anything, so this never blocks on a
        // full pipe; a hook that exits early reports through its status, not through EPIPE.
        let _ = stdin.write_all(line.as_bytes());
    }
    match child.wait() {
        Ok(status) => match status.code() {
            Some(code) => u8::try_from(code).unwrap_or(EXIT_VIOLATION),
            None => {
                crate::say(format_args!("{} was killed ({status})", hook.program()));
                EXIT_UNUSABLE
            }
        },
        Err(e) => {
            crate::say(format_args!("cannot wait for {}: {e}", program.display()));
            EXIT_UNUSABLE
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The hook programs sit next to `bpf-policy` wherever install.sh or cargo put them; through
/// a symlink (install.sh's `~/.local/bin/bpf-policy`) the real location counts.
fn locate(program: &str) -> PathBuf {
    let beside = std::env::current_exe()
        .ok()
        .map(|exe| std::fs::canonicalize(&exe).unwrap_or(exe))
        .and_then(|exe| Some(exe.parent()?.join(program)))
        .filter(|p| p.is_file());
    beside.unwrap_or_else(|| PathBuf::from(program))
}

/// The remote, its URL and the line git would have written on pre-push's standard input,
/// from the variables pre-commit sets. Under `git push`, pre-commit reads git's lines itself
/// and passes on only the first ref with something to push: `FROM_REF` is what the remote
/// has, or the parent of the first commit no remote-tracking ref has; with neither (a push of
/// the root commit) both refs are missing and the remote is treated as new. Under
/// `pre-commit run --hook-stage pre-push --from-ref A --to-ref B` there is no remote at all,
/// and A and B may be any revisions.
fn pre_commit_push() -> Result<(String, String, String), String> {
    let remote = env("PRE_COMMIT_REMOTE_NAME");
    let to_ref = env("PRE_COMMIT_TO_REF");
    if remote.is_none() && to_ref.is_none() {
        return Err(
            "pre-commit says nothing about a push: run it from git push, or as \
             pre-commit run --hook-stage pre-push --from-ref A --to-ref B"
                .to_owned(),
        );
    }
    let remote = remote.unwrap_or_default();
    let url = env("PRE_COMMIT_REMOTE_URL").unwrap_or_else(|| remote.clone());
    let local_ref = env("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| "HEAD".to_owned());
    let remote_ref = env("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_else(|| local_ref.clone());
    let to = rev_parse(to_ref.as_deref().unwrap_or(&local_ref))?;
    let from = match env("PRE_COMMIT_FROM_REF") {
        Some(rev) => rev_parse(&rev)?,
        None => "0".repeat(to.len()),
    };
    Ok((
        remote,
        url,
        format!("{local_ref} {to} {remote_ref} {from}\n"),
    ))
}

fn rev_parse(rev: &str) -> Result<String, String> {
    let spec = [OsStr::new(rev), OsStr::new("^{commit}")].join(OsStr::new(""));
    let out = Command::new("git")
        .args(["rev-parse", "--verify", "--end-of-options"])
        .arg(spec)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run git rev-parse: {e}"))?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || id.is_empty() {
        return Err(format!("pre-commit named '{rev}', which is no commit here"));
    }
    Ok(id)
}
