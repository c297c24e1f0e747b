//! The exit status of every bpf-policy program, the command and the three hooks alike, so
//! scripts, CI and hook managers read them the same way. Defined once here.

use crate::diag::{Diagnostic, Severity};

/// No errors (warnings and notes allowed).
pub const OK: u8 = 0;
/// At least one error-level diagnostic: the commit, push or send is blocked.
pub const VIOLATION: u8 = 1;
/// The input or the environment was unusable. Blocks too: a check that could not run must
/// not pass.
pub const UNUSABLE: u8 = 2;

/// [`OK`] or [`VIOLATION`] for what the rules found.
pub fn for_diagnostics(diags: &[Diagnostic]) -> u8 {
    if diags.iter().any(|d| d.severity == Severity::Error) {
        VIOLATION
    } else {
        OK
    }
}
