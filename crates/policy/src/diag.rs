//! Diagnostics: what a rule found, where, and how to fix it.

use std::fmt;
use std::str::FromStr;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Advice.
    Note,
    /// Printed; does not block.
    Warning,
    /// Blocks: non-zero exit.
    Error,
}

impl Severity {
    /// Lower-case name, as in JSON output and config.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A severity name was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a severity: use error, warning, note or off")]
pub struct BadSeverity(pub String);

/// A configured level: a severity, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The rule does not run.
    Off,
    /// The rule reports at this severity.
    On(Severity),
}

impl FromStr for Level {
    type Err = BadSeverity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The four documented names only: an alias nobody reads about is a setting nobody
        // can review.
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Ok(Level::On(Severity::Error)),
            "warning" => Ok(Level::On(Severity::Warning)),
            "note" => Ok(Level::On(Severity::Note)),
            "off" => Ok(Level::Off),
            _ => Err(BadSeverity(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_the_documented_four() {
        assert_eq!("Warning".parse(), Ok(Level::On(Severity::Warning)));
        assert_eq!(" off ".parse(), Ok(Level::Off));
        for alias in ["deny", "warn", "info", "allow", "false", "0", "disabled"] {
            assert!(alias.parse::<Level>().is_err(), "{alias}");
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id (`fixes-required`).
    pub rule: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// The file (or `<stdin>`, or a commit id) it concerns.
    pub file: String,
    /// 1-based line in that file, when it points at one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The source line, for display.
    pub snippet: Option<String>,
}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Tally {
    /// Count a list.
    pub fn of(diags: &[Diagnostic]) -> Tally {
        let mut t = Tally::default();
        for d in diags {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Note => t.notes += 1,
            }
        }
        t
    }
}
