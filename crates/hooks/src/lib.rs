//! What the three hook binaries share: opening the repository as git hooks see it, printing
//! diagnostics and advice to git's terminal, and the exit codes.

pub mod invocation;

pub mod sendemail;

use std::io::Write;

use std::path::{Path, PathBuf};

use bpf_policy::Diagnostic;
use bpf_policy::render::{Human, auto_color, render, terminal_safe_lines};
use bpf_policy_repo::{PushTarget, Repo, RepoError, Session};

/// Every path printed for the user to paste into a shell goes through this.
pub use bpf_policy::shell::quote_path;

/// Exit statuses, shared with the command (`bpf_policy::exit`).
pub use bpf_policy::exit::{OK as EXIT_OK, UNUSABLE as EXIT_UNUSABLE, VIOLATION as EXIT_VIOLATION};

/// Print diagnostics to stderr (git shows hook stderr), coloured on a terminal unless
/// NO_COLOR is set. Returns whether any is an error.
pub fn report(diags: &[Diagnostic], inputs: usize) -> bool {
    let color = auto_color(&std::io::stderr());
    let errors = bpf_policy::exit::for_diagnostics(diags) != EXIT_OK;
    if !diags.is_empty() {
        let text = render(&Human { color }, diags, inputs);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }
    errors
}

/// Print a one-line message to stderr, prefixed so users know which hook spoke.
pub fn say(hook: &str, msg: impl std::fmt::Display) {
    // Paths and text quoted in the message may hold control characters: escape them.
    eprintln!(
        "bpf-policy ({hook}): {}",
        terminal_safe_lines(&msg.to_string())
    );
}

/// The repository the hook runs in (git starts hooks at the top of the worktree, with
/// `GIT_DIR` set where needed) and the settings found there. A repository that cannot be
/// opened is said on stderr and the text is checked alone.
pub fn open_session(hook: &str) -> Session {
    let repo = match discover() {
        Ok(r) => r,
        Err(e) => {
            say(hook, format_args!("warning: {e}; checking the text alone"));
            None
        }
    };
    warn_config(hook, Session::new(repo, true, None))
}

/// The session for a push to `target`; None (after saying why) when there is no repository,
/// since a push cannot be checked without one.
pub fn open_push_session(hook: &str, target: PushTarget) -> Option<Session> {
    match discover() {
        Ok(Some(repo)) => Some(warn_config(hook, Session::for_push(repo, target))),
        Ok(None) => {
            say(hook, "not in a git repository; nothing to check");
            None
        }
        Err(e) => {
            say(hook, format_args!("cannot open the repository: {e}"));
            None
        }
    }
}

/// The one place hooks open the repository: from the directory git started them in.
fn discover() -> Result<Option<Repo>, RepoError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    Repo::discover(&cwd)
}

fn warn_config(hook: &str, session: Session) -> Session {
    for w in &session.warnings {
        say(hook, format_args!("warning: {w}"));
    }
    session
}

/// Set by install.sh's hook scripts (hooks/) for the hook program they run, and by nothing else:
/// `bpf-policy hook ...` (pre-commit) and direct calls are not affected by the marker below.
pub const SHIM_ENV: &str = "BPF_POLICY_SHIM";

/// Whether a hook run through install.sh's script has nothing to do here: the script sits in a
/// hooks directory that repositories install.sh was never run for use too (a `core.hooksPath`
/// in the global config), and this repository's config has no `bpf-policy.installed` marker
/// (install.sh writes it). Says so in one line. Reads the config already loaded: no git process.
pub fn not_installed_here(hook: &str, repo: Option<&Repo>) -> bool {
    if std::env::var_os(SHIM_ENV).is_none_or(|v| v.is_empty()) {
        return false;
    }
    let Some(repo) = repo else {
        return false; // no repository to ask: check, as without the script
    };
    let installed = repo
        .policy_config()
        .iter()
        .rev()
        .find(|(k, _)| k == "bpf-policy.installed")
        .is_some_and(|(_, v)| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "true" | "yes" | "on" | "1"
            )
        });
    if !installed {
        say(
            hook,
            "not installed for this repository (no bpf-policy.installed in its git config), so \
             nothing is checked; install.sh --repo DIR installs it there",
        );
    }
    !installed
}

/// With `BPF_POLICY_VERBOSE` set (non-empty, not `0`), say for each item whether the BPF and
/// netdev rules govern it and why (POLICY.md, Scope); the hooks are quiet about it otherwise.
pub fn explain_scope(hook: &str, session: &Session, items: &[bpf_policy::Item]) {
    if std::env::var_os("BPF_POLICY_VERBOSE").is_none_or(|v| v.is_empty() || v == "0") {
        return;
    }
    for (item, d) in items.iter().zip(session.scope(items)) {
        let verdict = if d.in_scope {
            "BPF/netdev work"
        } else {
            "not BPF/netdev work, kernel-wide rules only"
        };
        say(hook, format_args!("{}: {verdict}: {}", item.origin, d.why));
    }
    if let Some(note) = session
        .repo
        .as_ref()
        .and_then(|r| r.maintainers_cache_note())
    {
        say(hook, note);
    }
}

/// Read the file git named, or say why not.
pub fn read_input(hook: &str, path: &Path) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) => {
            say(hook, format_args!("cannot read {}: {e}", path.display()));
            None
        }
    }
}
