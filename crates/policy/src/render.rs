//! Rendering diagnostics for people (rustc-like), machines (JSON lines) and b4 (checkpatch).

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::diag::{Diagnostic, Severity, Tally};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Read at a glance.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// checkpatch's `--terse` style, for `b4 prep --check`.
    Checkpatch,
}

/// Something that turns diagnostics into text. One implementation per format.
pub trait Report {
    /// Render one diagnostic.
    fn diagnostic(&self, d: &Diagnostic, out: &mut String);
    /// Render the closing summary (may be empty).
    fn summary(&self, tally: Tally, inputs: usize, out: &mut String);
}

/// rustc-like output, coloured on request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Human {
    /// Use ANSI colours.
    pub color: bool,
}

/// JSON lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

/// checkpatch `--terse` lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checkpatch;

/// The reporter for a format.
pub fn reporter(format: Format, color: bool) -> Box<dyn Report> {
    match format {
        Format::Human => Box::new(Human { color }),
        Format::Json => Box::new(Json),
        Format::Checkpatch => Box::new(Checkpatch),
    }
}

/// Whether to colour what goes to `stream` when the user did not choose: on a terminal, unless
/// `NO_COLOR` is set to something or `TERM` is `dumb`. The command (standard output) and the
/// hooks (standard error) both decide here.
pub fn auto_color(stream: &impl std::io::IsTerminal) -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        && stream.is_terminal()
}

/// Render a list and its summary.
pub fn render(report: &dyn Report, diags: &[Diagnostic], inputs: usize) -> String {
    let mut out = String::new();
    for d in diags {
        report.diagnostic(d, &mut out);
    }
    report.summary(Tally::of(diags), inputs, &mut out);
    out
}

/// Text from the checked input made safe to print on a terminal: C0 controls other than tab,
/// DEL and C1 controls are written as escapes (`\x1b`, `\u{9b}`), so an escape sequence or an
/// OSC title hidden in a patch or a file name cannot drive the reader's terminal. JSON output
/// escapes them its own way ([`json_string`]).
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\t';
    if !s.contains(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !unsafe_char(c) => o.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(o, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(o, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(o)
}

/// [`terminal_safe`] for a message of several lines: the line breaks stay.
pub fn terminal_safe_lines(s: &str) -> String {
    s.split('\n')
        .map(terminal_safe)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Human {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

fn sev_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Note => "1;36",
    }
}

impl Report for Human {
    fn diagnostic(&self, d: &Diagnostic, out: &mut String) {
        let head = self.paint(
            sev_color(d.severity),
            &format!("{}[{}]", d.severity, d.rule),
        );
        let file = terminal_safe(&d.file);
        let _ = writeln!(
            out,
            "{head}{} {}",
            self.paint("1", ":"),
            self.paint("1", &terminal_safe(&d.message))
        );
        let gutter_w = d.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter_w);
        let arrow = self.paint("1;34", "-->");
        match d.line {
            Some(l) => {
                let _ = writeln!(out, "{pad}{arrow} {file}:{l}");
            }
            None => {
                let _ = writeln!(out, "{pad}{arrow} {file}");
            }
        }
        let bar = self.paint("1;34", "|");
        if let (Some(l), Some(snippet)) = (d.line, &d.snippet) {
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                self.paint("1;34", &l.to_string()),
                terminal_safe(snippet)
            );
            let _ = writeln!(out, "{pad} {bar}");
        }
        if let Some(help) = &d.help {
            let eq = self.paint("1;34", "=");
            let mut lines = help.lines();
            if let Some(first) = lines.next() {
                let _ = writeln!(
                    out,
                    "{pad} {eq} {}: {}",
                    self.paint("1", "help"),
                    terminal_safe(first)
                );
            }
            for l in lines {
                let _ = writeln!(out, "{pad}         {}", terminal_safe(l));
            }
        }
        out.push('\n');
    }

    fn summary(&self, t: Tally, inputs: usize, out: &mut String) {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let what = plural(inputs, "input");
        if t.errors + t.warnings + t.notes == 0 {
            let _ = writeln!(out, "bpf-policy: {what} checked, no problems found");
            return;
        }
        let mut parts = vec![plural(t.errors, "error"), plural(t.warnings, "warning")];
        if t.notes > 0 {
            parts.push(plural(t.notes, "note"));
        }
        let verdict = if t.errors > 0 {
            self.paint("1;31", "not ready to send")
        } else {
            self.paint("1;32", "ok to send")
        };
        let _ = writeln!(out, "bpf-policy: {} in {what}: {verdict}", parts.join(", "));
    }
}

/// Escape a string for JSON.
pub fn json_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

impl Report for Json {
    fn diagnostic(&self, d: &Diagnostic, out: &mut String) {
        let opt = |s: &Option<String>| s.as_deref().map_or("null".to_owned(), json_string);
        let _ = writeln!(
            out,
            "{{\"rule\":{},\"severity\":{},\"file\":{},\"line\":{},\"message\":{},\"help\":{},\"snippet\":{}}}",
            json_string(d.rule),
            json_string(d.severity.name()),
            json_string(&d.file),
            d.line.map_or("null".to_owned(), |l| l.to_string()),
            json_string(&d.message),
            opt(&d.help),
            opt(&d.snippet),
        );
    }

    fn summary(&self, _: Tally, _: usize, _: &mut String) {}
}

impl Report for Checkpatch {
    fn diagnostic(&self, d: &Diagnostic, out: &mut String) {
        let level = match d.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
            Severity::Note => "CHECK",
        };
        let kind = d.rule.to_ascii_uppercase().replace('-', "_");
        // b4 shows these lines on the terminal as they are: escape controls as for people.
        let help = d
            .help
            .as_deref()
            .and_then(|h| h.lines().next())
            .map(|h| format!(" ({})", terminal_safe(h)))
            .unwrap_or_default();
        let file = terminal_safe(&d.file);
        // checkpatch leaves the line out when a report concerns no line.
        let place = match d.line {
            Some(l) => format!("{file}:{l}:"),
            None => format!("{file}:"),
        };
        let _ = writeln!(
            out,
            "{place} {level}:{kind}: {}{help}",
            terminal_safe(&d.message)
        );
    }

    fn summary(&self, _: Tally, _: usize, _: &mut String) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag() -> Diagnostic {
        Diagnostic {
            rule: "fixes-required",
            severity: Severity::Error,
            file: "0001-x.patch".into(),
            line: Some(4),
            message: "no Fixes: tag".into(),
            help: Some("add one\nlike this".into()),
            snippet: Some("Subject: [PATCH bpf] bpf: x".into()),
        }
    }

    #[test]
    fn human_is_plain_without_color() {
        let s = render(&Human { color: false }, &[diag()], 1);
        assert_eq!(
            s,
            "error[fixes-required]: no Fixes: tag\n --> 0001-x.patch:4\n  |\n4 | Subject: [PATCH bpf] bpf: x\n  |\n  = help: add one\n          like this\n\nbpf-policy: 1 error, 0 warnings in 1 input: not ready to send\n"
        );
        assert!(!s.contains('\x1b'));
        assert!(render(&Human { color: true }, &[diag()], 1).contains("\x1b[1;31m"));
    }

    #[test]
    fn controls_in_checked_text_never_reach_the_terminal() {
        let hostile = Diagnostic {
            file: "evil\u{1b}]0;title\u{7}.patch".into(),
            message: "bad \u{1b}[2J summary\r".into(),
            help: Some("first\u{9b}31m\nsecond\u{7f}".into()),
            snippet: Some("Subject:\tx \u{1b}[31mred\u{0}".into()),
            ..diag()
        };
        for s in [
            render(&Human { color: false }, std::slice::from_ref(&hostile), 1),
            render(&Checkpatch, std::slice::from_ref(&hostile), 1),
        ] {
            assert!(
                !s.contains(|c: char| c.is_control() && c != '\n' && c != '\t'),
                "{s:?}"
            );
            assert!(s.contains("evil\\x1b]0;title\\x07.patch"), "{s}");
            assert!(s.contains("bad \\x1b[2J summary\\x0d"), "{s}");
            assert!(s.contains("first\\u{9b}31m"), "{s}");
        }
        let human = render(&Human { color: false }, &[hostile], 1);
        assert!(human.contains("Subject:\tx \\x1b[31mred\\x00"), "{human}");
        assert!(human.contains("second\\x7f"), "{human}");
        assert_eq!(terminal_safe("plain\ttext"), Cow::Borrowed("plain\ttext"));
        assert_eq!(terminal_safe_lines("a\u{1b}\nb"), "a\\x1b\nb");
    }

    #[test]
    fn json_and_checkpatch() {
        let s = render(&Json, &[diag()], 1);
        assert_eq!(
            s,
            "{\"rule\":\"fixes-required\",\"severity\":\"error\",\"file\":\"0001-x.patch\",\"line\":4,\"message\":\"no Fixes: tag\",\"help\":\"add one\\nlike this\",\"snippet\":\"Subject: [PATCH bpf] bpf: x\"}\n"
        );
        assert_eq!(
            render(&Checkpatch, &[diag()], 1),
            "0001-x.patch:4: ERROR:FIXES_REQUIRED: no Fixes: tag (add one)\n"
        );
        assert_eq!(json_string("a\u{1}b"), "\"a\\u0001b\"");
        let lineless = Diagnostic {
            line: None,
            ..diag()
        };
        assert!(
            render(&Checkpatch, &[lineless], 1).starts_with("0001-x.patch: ERROR:FIXES_REQUIRED: ")
        );
    }
}
