//! git configuration as a flat list of entries in git's precedence order (later wins).

use git2::{Config, ConfigLevel};

/// One configuration entry. The key is in git's canonical form: section and variable name
/// lowercased, subsection as written (branch and remote names are case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    /// A key written without `=` is a boolean true, as git reads it.
    pub value: String,
}

/// Every entry, lowest precedence first: system, global, repository, worktree, command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfigList(pub Vec<Entry>);

impl ConfigList {
    /// The value git would use for a single-valued key.
    pub fn last(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value.as_str())
    }

    /// The value of whichever of `keys` was set last (git's synonyms, such as
    /// core.commentChar and core.commentString, share one variable).
    pub fn last_of(&self, keys: &[&str]) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|e| keys.contains(&e.key.as_str()))
            .map(|e| e.value.as_str())
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.0.iter()
    }
}

/// Section and variable name lowercased, the subsection kept.
pub(crate) fn canonical_key(key: &str) -> String {
    match (key.find('.'), key.rfind('.')) {
        (Some(first), Some(last)) if first < last => format!(
            "{}{}{}",
            key[..first].to_ascii_lowercase(),
            &key[first..last],
            key[last..].to_ascii_lowercase()
        ),
        _ => key.to_ascii_lowercase(),
    }
}

fn level_rank(level: ConfigLevel) -> u8 {
    match level {
        ConfigLevel::ProgramData => 0,
        ConfigLevel::System => 1,
        ConfigLevel::XDG => 2,
        ConfigLevel::Global => 3,
        ConfigLevel::Local => 4,
        ConfigLevel::Worktree => 5,
        ConfigLevel::App | ConfigLevel::Highest => 6,
    }
}

/// All entries of a libgit2 config, sorted into git's precedence order; libgit2 iterates its
/// backends highest priority first, and keeps file order within one file (includes inline).
pub(crate) fn read_config(cfg: &Config) -> Result<Vec<Entry>, git2::Error> {
    let mut ranked: Vec<(u8, Entry)> = Vec::new();
    let mut it = cfg.entries(None)?;
    while let Some(entry) = it.next() {
        let entry = entry?;
        let key = canonical_key(&String::from_utf8_lossy(entry.name_bytes()));
        let value = if entry.has_value() {
            String::from_utf8_lossy(entry.value_bytes()).into_owned()
        } else {
            "true".to_owned()
        };
        ranked.push((level_rank(entry.level()), Entry { key, value }));
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    Ok(ranked.into_iter().map(|(_, e)| e).collect())
}

/// `git -c` and `GIT_CONFIG_COUNT` settings, which git hands to hooks through the environment
/// and libgit2 does not read. The git command reads them itself.
pub(crate) fn command_line_entries() -> Vec<Entry> {
    let mut out = Vec::new();
    if let Some(count) = std::env::var("GIT_CONFIG_COUNT")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
    {
        for i in 0..count {
            if let (Ok(key), Ok(value)) = (
                std::env::var(format!("GIT_CONFIG_KEY_{i}")),
                std::env::var(format!("GIT_CONFIG_VALUE_{i}")),
            ) {
                out.push(Entry {
                    key: canonical_key(&key),
                    value,
                });
            }
        }
    }
    if let Ok(params) = std::env::var("GIT_CONFIG_PARAMETERS") {
        out.extend(parse_config_parameters(&params));
    }
    out
}

/// Parse `GIT_CONFIG_PARAMETERS`: `'key'='value'` (git >= 2.31) or `'key=value'` items,
/// shell single-quoted, separated by spaces. A malformed rest is dropped, as git would refuse it.
pub(crate) fn parse_config_parameters(s: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let Some((key, after)) = sq_dequote_step(rest) else {
            break;
        };
        let (pair, after) = if let Some(after_eq) = after.strip_prefix('=') {
            if after_eq.starts_with('\'') {
                match sq_dequote_step(after_eq) {
                    Some((value, after)) => ((key, Some(value)), after),
                    None => break,
                }
            } else {
                ((key, None), after_eq)
            }
        } else {
            // Old style: the key and value share one quoted word.
            match key.split_once('=') {
                Some((k, v)) => ((k.to_owned(), Some(v.to_owned())), after),
                None => ((key, None), after),
            }
        };
        if !after.is_empty() && !after.starts_with(char::is_whitespace) {
            break;
        }
        out.push(Entry {
            key: canonical_key(&pair.0),
            value: pair.1.unwrap_or_else(|| "true".to_owned()),
        });
        rest = after.trim_start();
    }
    out
}

/// One single-quoted word as git's sq_quote writes it: `'...'`, with `'` and `!` written as
/// `'\''` and `'\!'`. Returns the word and what follows it.
fn sq_dequote_step(s: &str) -> Option<(String, &str)> {
    let mut rest = s.strip_prefix('\'')?;
    let mut word = String::new();
    loop {
        let end = rest.find('\'')?;
        word.push_str(&rest[..end]);
        rest = &rest[end + 1..];
        let mut chars = rest.chars();
        match (chars.next(), chars.next(), chars.next()) {
            (Some('\\'), Some(c @ ('\'' | '!')), Some('\'')) => {
                word.push(c);
                rest = &rest[3..];
            }
            _ => return Some((word, rest)),
        }
    }
}

/// Config without a repository: system (unless GIT_CONFIG_NOSYSTEM), global (or
/// GIT_CONFIG_GLOBAL), and command-line settings, as `git config --list` outside a repository.
pub(crate) fn global_entries() -> Result<Vec<Entry>, git2::Error> {
    let mut cfg = Config::new()?;
    let no_system = std::env::var("GIT_CONFIG_NOSYSTEM")
        .ok()
        .is_some_and(|v| Config::parse_bool(v).unwrap_or(false));
    if !no_system {
        let system = std::env::var_os("GIT_CONFIG_SYSTEM")
            .map(std::path::PathBuf::from)
            .or_else(|| Config::find_system().ok());
        if let Some(path) = system {
            cfg.add_file(&path, ConfigLevel::System, false)?;
        }
    }
    if let Some(path) = std::env::var_os("GIT_CONFIG_GLOBAL") {
        cfg.add_file(std::path::Path::new(&path), ConfigLevel::Global, false)?;
    } else {
        if let Ok(path) = Config::find_xdg() {
            cfg.add_file(&path, ConfigLevel::XDG, false)?;
        }
        if let Ok(path) = Config::find_global() {
            cfg.add_file(&path, ConfigLevel::Global, false)?;
        }
    }
    let mut entries = read_config(&cfg)?;
    entries.extend(command_line_entries());
    Ok(entries)
}

/// The `bpf-policy.*` part of a config list, keys lowercased.
pub(crate) fn policy_entries<'a>(
    entries: impl Iterator<Item = &'a Entry>,
) -> Vec<(String, String)> {
    entries
        .filter(|e| {
            e.key
                .get(..11)
                .is_some_and(|s| s.eq_ignore_ascii_case("bpf-policy."))
        })
        .map(|e| (e.key.to_lowercase(), e.value.clone()))
        .collect()
}

/// Parse `git config -z --list`: `key\nvalue\0`, or `key\0` for a key without a value.
pub(crate) fn parse_config_z(out: &[u8]) -> Vec<Entry> {
    out.split(|&b| b == 0)
        .filter(|rec| !rec.is_empty())
        .map(|rec| {
            let rec = String::from_utf8_lossy(rec);
            match rec.split_once('\n') {
                Some((k, v)) => Entry {
                    key: canonical_key(k),
                    value: v.to_owned(),
                },
                None => Entry {
                    key: canonical_key(&rec),
                    value: "true".to_owned(),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: Vec<Entry>) -> Vec<(String, String)> {
        v.into_iter().map(|e| (e.key, e.value)).collect()
    }

    #[test]
    fn config_parameters_both_styles() {
        let got = pairs(parse_config_parameters(
            "'bpf-policy.tree'='bpf' 'Core.CommentChar=;' 'x.y' 'a.b'='it'\\''s' 'Branch.Foo.Remote'=",
        ));
        assert_eq!(
            got,
            vec![
                ("bpf-policy.tree".into(), "bpf".into()),
                ("core.commentchar".into(), ";".into()),
                ("x.y".into(), "true".into()),
                ("a.b".into(), "it's".into()),
                ("branch.Foo.remote".into(), "true".into()),
            ]
        );
        assert!(parse_config_parameters("garbage").is_empty());
    }

    #[test]
    fn config_z() {
        let got = pairs(parse_config_z(
            b"core.bare\nfalse\0bpf-policy.flag\0remote.My.URL\nx\n y\0",
        ));
        assert_eq!(
            got,
            vec![
                ("core.bare".into(), "false".into()),
                ("bpf-policy.flag".into(), "true".into()),
                ("remote.My.url".into(), "x\n y".into()),
            ]
        );
    }
}
