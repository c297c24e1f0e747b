//! What the three hook binaries share: opening the repository as git hooks see it, printing
//! diagnostics to git's terminal, and the exit codes.

use std::io::{IsTerminal, Write};

use bpf_policy::render::{Human, render};
use bpf_policy::{Diagnostic, Severity};

/// Exit status: nothing blocks.
pub const EXIT_OK: u8 = 0;
/// Exit status: a policy error blocks the operation.
pub const EXIT_VIOLATION: u8 = 1;
/// Exit status: the input or environment was unusable (also blocks: a hook that cannot check
/// must not pass silently).
pub const EXIT_UNUSABLE: u8 = 2;

/// Print diagnostics to stderr (git shows hook stderr), coloured on a terminal unless
/// NO_COLOR is set. Returns whether any is an error.
pub fn report(diags: &[Diagnostic], inputs: usize) -> bool {
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
        && std::io::stderr().is_terminal();
    let errors = diags.iter().any(|d| d.severity == Severity::Error);
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
    eprintln!("bpf-policy ({hook}): {msg}");
}
