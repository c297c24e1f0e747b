//! Per-repository settings: which rules run and at what severity, and the target tree.
//!
//! The settings come from git config (so they follow repository, worktree and includeIf
//! scoping), handed in as key/value pairs by whoever read them:
//!
//! - `bpf-policy.tree = bpf-next`
//! - `bpf-policy.disable = subject-format, fixes-advised` (may repeat)
//! - `bpf-policy.<rule>.severity = error | warning | note | off`

use std::collections::HashMap;

use crate::diag::{Level, Severity};
use crate::rules::{self, RuleInfo};
use crate::tree::Tree;

/// Effective settings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    levels: HashMap<&'static str, Level>,
    /// `bpf-policy.tree`, when set and valid.
    pub tree: Option<Tree>,
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
            if rest == "treeref" {
                // The target tree's branch for applies-to-tree; the repository reads it.
            } else if rest == "tree" {
                match value.parse::<Tree>() {
                    Ok(t) => cfg.tree = Some(t),
                    Err(e) => problems.push(format!("git config {key}: {e}")),
                }
            } else if rest == "disable" || rest == "enable" {
                for id in value
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                {
                    match find_rule(id) {
                        Some(r) if rest == "disable" => {
                            cfg.levels.insert(r.id, Level::Off);
                        }
                        Some(r) => {
                            cfg.levels.insert(r.id, Level::On(r.severity));
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
                        cfg.levels.insert(r.id, level);
                    }
                    (None, _) => problems.push(unknown_rule(key, id)),
                    (_, Err(e)) => problems.push(format!("git config {key}: {e}")),
                }
            } else {
                problems.push(format!(
                    "git config {key}: unknown setting (bpf-policy knows tree, treeRef, disable, enable and <rule>.severity)"
                ));
            }
        }
        (cfg, problems)
    }

    /// Set a level for a rule (command-line overrides).
    pub fn set(&mut self, rule: &'static str, level: Level) {
        self.levels.insert(rule, level);
    }

    /// The level a rule runs at.
    pub fn level(&self, rule: &RuleInfo) -> Level {
        self.levels
            .get(rule.id)
            .copied()
            .unwrap_or(Level::On(rule.severity))
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
    rules::RULES.iter().map(|r| &r.info).find(|r| r.id == id)
}

fn unknown_rule(key: &str, id: &str) -> String {
    let near = rules::RULES
        .iter()
        .map(|r| r.info.id)
        .min_by_key(|r| crate::prefix::edit_distance(r, id))
        .filter(|r| crate::prefix::edit_distance(r, id) <= 3);
    match near {
        Some(n) => format!("git config {key}: no rule is called '{id}' (did you mean {n}?)"),
        None => format!("git config {key}: no rule is called '{id}' (bpf-policy rules lists them)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_set_levels_and_tree() {
        let (cfg, problems) = Config::from_pairs([
            ("bpf-policy.tree", "bpf"),
            ("bpf-policy.disable", "subject-format, fixes-advised"),
            ("bpf-policy.fixes-advised.severity", "error"),
            ("BPF-Policy.signoff-author.Severity", "warning"),
            ("bpf-policy.fixes-advisd.severity", "off"),
            ("bpf-policy.message-empty.severity", "loud"),
        ]);
        assert_eq!(cfg.tree, Some(Tree::Bpf));
        let rule = |id| find_rule(id).map(|r| cfg.level(r));
        assert_eq!(rule("subject-format"), Some(Level::Off));
        assert_eq!(rule("fixes-advised"), Some(Level::On(Severity::Error)));
        assert_eq!(rule("signoff-author"), Some(Level::On(Severity::Warning)));
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("did you mean fixes-advised"));
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
