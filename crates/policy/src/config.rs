//! Per-repository settings: which rules run and at what severity, and the target tree.
//!
//! The settings come from git config (so they follow repository, worktree and includeIf
//! scoping), handed in as key/value pairs by whoever read them:
//!
//! - `bpf-policy.tree = bpf-next`
//! - `bpf-policy.disable = subject-format, fixes-advised` (may repeat)
//! - `bpf-policy.enable = subject-format` (may repeat)
//! - `bpf-policy.<rule>.severity = error | warning | note | off`
//! - `bpf-policy.pushRemote = <remote>` (may repeat; `*` means every remote): pushes to these
//!   remotes are submissions, checked as strictly as pushes to a tree's own repository
//!
//! `enable`/`disable` switch a rule on or off and `<rule>.severity` sets how loud it is; the
//! switch wins. `git config` appends `enable` to the `[bpf-policy]` section and a severity to
//! the `[bpf-policy "<rule>"]` one, so the order of the two in a file says nothing about which
//! the user set last: precedence between them cannot come from that order. Among the switches,
//! and among the severities, the last one wins (the order git reads its files in).

use std::collections::HashMap;

use crate::diag::{Level, Severity};
use crate::rules::{self, RuleId, RuleInfo};
use crate::tree::Tree;

/// Effective settings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `<rule>.severity` (or a command-line level), the last one per rule.
    severity: HashMap<RuleId, Level>,
    /// `enable` (true) or `disable` (false), the last one per rule.
    switch: HashMap<RuleId, bool>,
    /// `bpf-policy.tree`, when set and valid.
    pub tree: Option<Tree>,
    /// `bpf-policy.pushRemote` values in order (`*` for every remote); an empty value clears
    /// the ones set before it, as git's multi-valued lists do.
    pub push_remotes: Vec<String>,
}

impl Config {
    /// Build from `(key, value)` pairs in precedence order (later wins). Keys are matched
    /// case-insensitively on section and variable name, as git does. Returns the settings
    /// and one message per entry that was ignored and why.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Config, Vec<String>) {
        let mut cfg = Config::default();
        let mut problems = Vec::new();
        for (key, value) in pairs {
            let lower = key.to_ascii_lowercase();
            let Some(rest) = lower.strip_prefix("bpf-policy.") else {
                continue;
            };
            if rest == "installed" {
                // install.sh's marker: the hooks are installed for this repository (read by
                // the hook programs, not a rule setting).
                continue;
            }
            if rest == "treeref" {
                // The target tree's branch for applies-to-tree; the repository reads it.
            } else if rest == "tree" {
                match value.parse::<Tree>() {
                    Ok(t) => cfg.tree = Some(t),
                    Err(e) => problems.push(format!("git config {key}: {e}")),
                }
            } else if rest == "pushremote" {
                let v = value.trim();
                if v.is_empty() {
                    cfg.push_remotes.clear();
                } else {
                    cfg.push_remotes.push(v.to_owned());
                }
            } else if rest == "disable" || rest == "enable" {
                for id in value
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                {
                    match find_rule(id) {
                        Some(r) => {
                            cfg.switch.insert(r.id, rest == "enable");
                        }
                        None => problems.push(unknown_rule(key, id)),
                    }
                }
            } else if let Some(id) = rest
                .strip_suffix(".severity")
                .or_else(|| rest.strip_suffix(".level"))
            {
                match (find_rule(id), value.parse::<Level>()) {
                    (Some(r), Ok(level)) => {
                        cfg.severity.insert(r.id, level);
                    }
                    (None, _) => problems.push(unknown_rule(key, id)),
                    (_, Err(e)) => problems.push(format!("git config {key}: {e}")),
                }
            } else {
                problems.push(format!(
                    "git config {key}: unknown setting (bpf-policy knows tree, treeRef, pushRemote, disable, enable and <rule>.severity)"
                ));
            }
        }
        (cfg, problems)
    }

    /// Whether `bpf-policy.pushRemote` names this remote, or is `*`.
    pub fn is_push_remote(&self, remote: &str) -> bool {
        self.push_remotes.iter().any(|r| r == "*" || r == remote)
    }

    /// Set a level for a rule (command-line overrides): it wins over every setting.
    pub fn set(&mut self, rule: RuleId, level: Level) {
        self.switch.remove(&rule);
        self.severity.insert(rule, level);
    }

    /// The level a rule runs at: `disable` turns it off whatever its severity; `enable` turns
    /// it on at its configured severity, or at its default when that is `off` or unset.
    pub fn level(&self, rule: &RuleInfo) -> Level {
        let configured = self.severity.get(&rule.id).copied();
        match self.switch.get(&rule.id) {
            Some(false) => Level::Off,
            Some(true) => match configured {
                Some(Level::On(s)) => Level::On(s),
                Some(Level::Off) | None => Level::On(rule.severity),
            },
            None => configured.unwrap_or(Level::On(rule.severity)),
        }
    }

    /// Whether a rule runs at all.
    pub fn enabled(&self, rule: &RuleInfo) -> bool {
        self.level(rule) != Level::Off
    }

    /// The severity a finding of `rule` gets: findings that the rule itself grades below its
    /// default (the softer half of a mixed rule) stay at or below the configured severity.
    pub fn grade(&self, rule: &RuleInfo, finding: Severity) -> Option<Severity> {
        match self.level(rule) {
            Level::Off => None,
            Level::On(s) if finding < rule.severity => Some(finding.min(s)),
            Level::On(s) => Some(s),
        }
    }
}

/// Look up a rule by id.
pub fn find_rule(id: &str) -> Option<&'static RuleInfo> {
    let id: RuleId = id.parse().ok()?;
    rules::RULES.iter().map(|r| &r.info).find(|r| r.id == id)
}

/// How many edits a mistyped rule id may be from a real one to be offered as "did you mean".
const NEAR: usize = 3;

/// The rule id a mistyped `id` most likely meant: the nearest one, when it is at most
/// `NEAR` edits away (case ignored). The one place every "did you mean" for a rule id comes
/// from: git config, `-W`, `explain`.
pub fn nearest_rule(id: &str) -> Option<&'static str> {
    let lower = id.to_ascii_lowercase();
    rules::RULES
        .iter()
        .map(|r| {
            (
                crate::prefix::edit_distance(r.info.id.as_str(), &lower),
                r.info.id.as_str(),
            )
        })
        .min()
        .filter(|(d, _)| *d <= NEAR)
        .map(|(_, r)| r)
}

/// What to say about an id that names no rule: the likely one, or where the list is.
pub fn unknown_rule_message(id: &str) -> String {
    match nearest_rule(id) {
        Some(n) => format!("no rule is called '{id}'; did you mean '{n}'?"),
        None => format!("no rule is called '{id}' (bpf-policy rules lists them)"),
    }
}

fn unknown_rule(key: &str, id: &str) -> String {
    format!("git config {key}: {}", unknown_rule_message(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_set_levels_and_tree() {
        let (cfg, problems) = Config::from_pairs([
            ("bpf-policy.tree", "bpf"),
            ("bpf-policy.disable", "subject-format, fixes-commit"),
            ("bpf-policy.fixes-advised.severity", "error"),
            ("BPF-Policy.signoff-author.Severity", "warning"),
            ("bpf-policy.fixes-advisd.severity", "off"),
            ("bpf-policy.message-empty.severity", "loud"),
        ]);
        assert_eq!(cfg.tree, Some(Tree::Bpf));
        let rule = |id| find_rule(id).map(|r| cfg.level(r));
        assert_eq!(rule("subject-format"), Some(Level::Off));
        assert_eq!(rule("fixes-commit"), Some(Level::Off));
        assert_eq!(rule("fixes-advised"), Some(Level::On(Severity::Error)));
        assert_eq!(rule("signoff-author"), Some(Level::On(Severity::Warning)));
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("did you mean 'fixes-advised'?"));
    }

    #[test]
    fn enable_and_disable_win_over_severity_in_either_order() {
        let level = |pairs: &[(&str, &str)]| {
            let (cfg, problems) = Config::from_pairs(pairs.iter().copied());
            assert!(problems.is_empty(), "{problems:?}");
            find_rule("fixes-advised").map(|r| cfg.level(r))
        };
        let off = ("bpf-policy.fixes-advised.severity", "off");
        let loud = ("bpf-policy.fixes-advised.severity", "error");
        let enable = ("bpf-policy.enable", "fixes-advised");
        let disable = ("bpf-policy.disable", "fixes-advised");
        let default = Some(Level::On(Severity::Warning));
        assert_eq!(level(&[off, enable]), default);
        assert_eq!(level(&[enable, off]), default);
        assert_eq!(level(&[loud, enable]), Some(Level::On(Severity::Error)));
        assert_eq!(level(&[enable, loud]), Some(Level::On(Severity::Error)));
        assert_eq!(level(&[loud, disable]), Some(Level::Off));
        assert_eq!(level(&[disable, loud]), Some(Level::Off));
        assert_eq!(level(&[disable, enable]), default);
        assert_eq!(level(&[enable, disable]), Some(Level::Off));
        assert_eq!(level(&[off]), Some(Level::Off));
        // The command line wins over both.
        let (mut cfg, _) = Config::from_pairs([disable]);
        cfg.set(RuleId::FixesAdvised, Level::On(Severity::Note));
        assert_eq!(
            find_rule("fixes-advised").map(|r| cfg.level(r)),
            Some(Level::On(Severity::Note))
        );
    }

    #[test]
    fn mixed_rules_keep_their_soft_half_soft() {
        let (cfg, _) = Config::from_pairs([("bpf-policy.fixes-format.severity", "warning")]);
        let r = find_rule("fixes-format");
        assert_eq!(
            r.and_then(|r| cfg.grade(r, Severity::Error)),
            Some(Severity::Warning)
        );
        assert_eq!(
            r.and_then(|r| cfg.grade(r, Severity::Warning)),
            Some(Severity::Warning)
        );
        let (cfg, _) = Config::from_pairs([("bpf-policy.fixes-format.severity", "note")]);
        assert_eq!(
            r.and_then(|r| cfg.grade(r, Severity::Warning)),
            Some(Severity::Note)
        );
    }
}
