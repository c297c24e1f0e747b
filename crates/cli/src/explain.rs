//! `bpf-policy rules` and `bpf-policy explain`, generated from the rule table.

use std::fmt::Write as _;

use bpf_policy::RULES;
use bpf_policy::config::{find_rule, unknown_rule_message};

/// One line per rule.
pub fn rules_table() -> String {
    let width = RULES.iter().map(|r| r.info.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for r in RULES {
        let repo = if r.info.needs_repo {
            " (needs a repository)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "{:<width$}  {:<7}  {}{repo}",
            r.info.id,
            r.info.severity.name(),
            r.info.summary
        );
    }
    s
}

/// The whole documentation of a rule.
pub fn explain(id: &str) -> Result<String, String> {
    let Some(r) = find_rule(id) else {
        return Err(unknown_rule_message(id));
    };
    let mut s = String::new();
    let _ = writeln!(s, "{} ({} by default)\n", r.id, r.severity);
    let _ = writeln!(s, "{}\n", r.summary);
    let _ = writeln!(s, "{}\n", fill(r.explanation, 78));
    let _ = writeln!(s, "Policy: {}", r.section);
    if r.needs_repo {
        let _ = writeln!(
            s,
            "Needs a repository: it stays silent with --no-repo or outside one."
        );
    }
    let _ = writeln!(
        s,
        "{}",
        if r.id == "pull-request-subject" {
            "Applies to: maintainers' pull requests, which no other rule looks at."
        } else if r.kernel_wide {
            "Applies to: every patch, another subsystem's too (a kernel-wide rule)."
        } else {
            "Applies to: BPF and netdev work only (see Scope in the README); other subsystems' \
             patches get the kernel-wide rules alone."
        }
    );
    let _ = writeln!(
        s,
        "\nBad:\n{}\n\nGood:\n{}\n",
        indent(r.bad),
        indent(r.good)
    );
    let _ = writeln!(
        s,
        "Configure:\n    git config bpf-policy.{id}.severity error|warning|note|off\n    git config --add bpf-policy.disable {id}\n    bpf-policy check -W {id}=off ...",
        id = r.id
    );
    Ok(s)
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn fill(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split_whitespace() {
        if col > 0 && col + 1 + word.len() > width {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.len();
    }
    out
}
