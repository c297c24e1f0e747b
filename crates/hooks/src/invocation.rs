//! How `git commit` was run, as far as a commit-msg hook can tell: which commit it makes
//! (new or `--amend`) and how it will clean the message up (builtin/commit.c).
//!
//! git tells hooks little: `GIT_EDITOR=:` when no editor is used (`-m`, `-F`, `--no-edit`),
//! which a user's own `GIT_EDITOR=:` looks the same as. So the hook reads, where it can, the
//! command line of the `git commit` that started it (/proc on Linux), and the lines git itself
//! wrote into the message file (its hint, its scissors line). What none of these settles is
//! left open, and the caller judges each possible reading.

use std::path::Path;

use bpf_policy::message::{Line, is_scissors};

/// git's cleanup of a commit message (`commit.cleanup`, `--cleanup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Comment lines dropped, whitespace tidied (the default with an editor).
    Strip,
    /// Whitespace tidied, comment lines kept (the default with `-m`/`-F`).
    Whitespace,
    /// Nothing changed.
    Verbatim,
}

/// One way git may clean the message: the mode, and whether it cuts at the scissors line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// The cleanup mode.
    pub mode: Mode,
    /// Whether everything from the first scissors line on is dropped (`-v`, or `scissors`
    /// with an editor).
    pub cut: bool,
}

impl Reading {
    /// The lines git records, with their line numbers in the file.
    pub fn apply(&self, raw: &[Line], comment: Option<&str>) -> Vec<Line> {
        let mut out = Vec::with_capacity(raw.len());
        for l in raw {
            if self.cut && comment.is_some_and(|c| is_scissors(&l.text, c)) {
                break;
            }
            if self.mode == Mode::Strip && comment.is_some_and(|c| l.text.starts_with(c)) {
                continue;
            }
            out.push(l.clone());
        }
        out
    }

    /// Whether git refuses to record these lines as "empty" (builtin/commit.c
    /// message_is_empty: nothing but blanks and sign-offs; verbatim: nothing at all).
    pub fn aborts(&self, lines: &[Line]) -> bool {
        if self.mode == Mode::Verbatim {
            return lines.is_empty();
        }
        lines
            .iter()
            .all(|l| l.text.trim().is_empty() || l.text.starts_with("Signed-off-by: "))
    }

    /// A few words for messages.
    pub fn describe(&self) -> &'static str {
        match self.mode {
            Mode::Strip => "if git drops comment lines (an editor was used)",
            Mode::Whitespace => "if git keeps comment lines (-m or -F)",
            Mode::Verbatim => "if git keeps the message verbatim",
        }
    }
}

/// What the command line of `git commit` said, when it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitArgs {
    /// `--amend`.
    pub amend: bool,
    /// Whether git opens an editor (`-m`/`-F`/`-C` without `-e`, or `--no-edit`: no).
    pub editor: bool,
    /// `--cleanup=<mode>`.
    pub cleanup: Option<String>,
    /// `-v`.
    pub verbose: bool,
}

/// Parse the arguments that follow `commit` (git's parse-options: bundled short options,
/// `--opt=value` and `--opt value`, unique prefixes of long options).
pub fn parse_commit_args<S: AsRef<str>>(args: &[S]) -> CommitArgs {
    let mut out = CommitArgs::default();
    let mut message = false;
    let mut edit: Option<bool> = None;
    let mut it = args.iter().map(AsRef::as_ref);
    // Long options taking a value, and whether that value can be the next argument.
    const LONG_VALUE: &[&str] = &[
        "message",
        "file",
        "reuse-message",
        "reedit-message",
        "template",
        "cleanup",
        "author",
        "date",
        "fixup",
        "squash",
        "trailer",
        "pathspec-from-file",
    ];
    const LONG_FLAGS: &[&str] = &[
        "amend",
        "edit",
        "no-edit",
        "verbose",
        "all",
        "signoff",
        "no-verify",
        "allow-empty",
        "allow-empty-message",
        "interactive",
        "patch",
        "include",
        "only",
        "quiet",
        "dry-run",
        "short",
        "branch",
        "porcelain",
        "long",
        "null",
        "reset-author",
        "status",
        "no-status",
        "no-post-rewrite",
        "pathspec-file-nul",
        "ahead-behind",
        "no-signoff",
        "verify",
        "no-gpg-sign",
        "no-verbose",
        "gpg-sign",
        "untracked-files",
    ];
    while let Some(arg) = it.next() {
        if arg == "--" {
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            // git accepts any unambiguous prefix of a long option.
            let all = LONG_VALUE.iter().chain(LONG_FLAGS);
            let exact = all.clone().find(|o| **o == name);
            let mut prefixed = all.filter(|o| o.starts_with(name));
            let full = match (exact, prefixed.next(), prefixed.next()) {
                (Some(o), _, _) | (None, Some(o), None) => *o,
                _ => continue,
            };
            let value = if LONG_VALUE.contains(&full) {
                inline
                    .map(str::to_owned)
                    .or_else(|| it.next().map(str::to_owned))
            } else {
                None
            };
            match full {
                "amend" => out.amend = true,
                "edit" => edit = Some(true),
                "no-edit" => edit = Some(false),
                "verbose" => out.verbose = true,
                "no-verbose" => out.verbose = false,
                "message" | "file" | "reuse-message" => message = true,
                "cleanup" => out.cleanup = value,
                _ => {}
            }
            continue;
        }
        let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) else {
            continue; // a pathspec
        };
        for (i, c) in shorts.char_indices() {
            let rest = &shorts[i + c.len_utf8()..];
            match c {
                'm' | 'F' | 'C' | 'c' | 't' => {
                    if rest.is_empty() {
                        it.next();
                    }
                    if matches!(c, 'm' | 'F' | 'C') {
                        message = true;
                    }
                    break;
                }
                // Optional values, only ever attached.
                'S' | 'u' => break,
                'e' => edit = Some(true),
                'v' => out.verbose = true,
                _ => {}
            }
        }
    }
    out.editor = if message {
        edit == Some(true)
    } else {
        edit != Some(false)
    };
    out
}

/// The arguments after `commit` of the `git commit` process that runs this hook, found by
/// walking up the parent processes (the hook may run under a shell shim or a hook manager).
/// None where /proc is not there, or no ancestor is `git ... commit ...` (an alias, another
/// command making the commit).
pub fn commit_args() -> Option<CommitArgs> {
    let mut pid = std::os::unix::process::parent_id();
    // git runs the hook, or a shell shim or hook manager does: the first git found above is
    // the one. Only its command line is read; the others cost one small read each.
    for _ in 0..6 {
        if pid <= 1 {
            return None;
        }
        let proc = Path::new("/proc").join(pid.to_string());
        let (comm, parent) = stat_of(&proc)?;
        if comm == "git" || comm == "git-commit" {
            let cmdline = std::fs::read(proc.join("cmdline")).ok()?;
            let argv: Vec<String> = cmdline
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            return after_commit(&argv).map(parse_commit_args);
        }
        pid = parent;
    }
    None
}

/// `git [global options] commit ARGS` (or `git-commit ARGS`): ARGS.
fn after_commit(argv: &[String]) -> Option<&[String]> {
    let program = Path::new(argv.first()?).file_name()?.to_str()?;
    if program == "git-commit" {
        return argv.get(1..);
    }
    if program != "git" {
        return None;
    }
    let mut i = 1;
    while let Some(a) = argv.get(i) {
        match a.as_str() {
            // Global options with a separate value.
            "-c" | "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--config-env"
            | "--exec-path" | "--super-prefix" | "--list-cmds" => i += 2,
            s if s.starts_with('-') => i += 1,
            "commit" => return argv.get(i + 1..),
            _ => return None,
        }
    }
    None
}

/// The command name and parent pid from /proc/<pid>/stat (`pid (comm) state ppid ...`; the
/// name may hold spaces and parentheses itself).
fn stat_of(proc: &Path) -> Option<(String, u32)> {
    let stat = std::fs::read_to_string(proc.join("stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_owned();
    let parent = stat
        .get(close + 1..)?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((comm, parent))
}

/// What the message file shows of how git was run: git writes its cleanup hint and its
/// scissors line only when it opens an editor, and the hint names the cleanup mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileHints {
    /// "Lines starting with '#' will be ignored": an editor, cleanup strip.
    pub strip_hint: bool,
    /// "Lines starting with '#' will be kept": an editor, cleanup whitespace or verbatim.
    pub keep_hint: bool,
    /// git's own scissors line (followed by its explanation): an editor, and git cuts there
    /// (`-v`, or cleanup scissors).
    pub git_scissors: bool,
}

impl FileHints {
    /// Look for git's own lines (as git 2.47 writes them in English).
    pub fn read(raw: &[Line], comment: Option<&str>) -> FileHints {
        let Some(c) = comment else {
            return FileHints::default();
        };
        let ignored =
            format!("{c} with '{c}' will be ignored, and an empty message aborts the commit.");
        let kept =
            format!("{c} with '{c}' will be kept; you may remove them yourself if you want to.");
        let explained = format!("{c} Do not modify or remove the line above.");
        let mut h = FileHints::default();
        for (i, l) in raw.iter().enumerate() {
            h.strip_hint |= l.text == ignored;
            h.keep_hint |= l.text == kept;
            h.git_scissors |=
                is_scissors(&l.text, c) && raw.get(i + 1).is_some_and(|n| n.text == explained);
        }
        h
    }

    /// Whether any of git's editor-only lines is there.
    pub fn editor(&self) -> bool {
        self.strip_hint || self.keep_hint || self.git_scissors
    }
}

/// Every reading git may use, given `commit.cleanup` (or `--cleanup`), whether an editor is
/// used (None: cannot tell), `-v` (None: cannot tell) and the file's hints. Usually one.
pub fn readings(
    cleanup: Option<&str>,
    editor: Option<bool>,
    verbose: Option<bool>,
    hints: FileHints,
) -> Vec<Reading> {
    let editor = if hints.editor() { Some(true) } else { editor };
    let both = |with: Mode, without: Mode| match editor {
        Some(true) => vec![with],
        Some(false) => vec![without],
        None => vec![with, without],
    };
    let scissors_mode = cleanup == Some("scissors");
    let modes = match cleanup.map(str::to_ascii_lowercase).as_deref() {
        Some("verbatim") => vec![Mode::Verbatim],
        Some("whitespace") => vec![Mode::Whitespace],
        Some("strip") => vec![Mode::Strip],
        // The default, and scissors (mapped below).
        _ => both(Mode::Strip, Mode::Whitespace),
    };
    let modes = if hints.strip_hint {
        vec![Mode::Strip]
    } else if hints.keep_hint {
        // git wrote "will be kept": whatever the config says, `--cleanup` chose whitespace or
        // verbatim.
        let kept: Vec<Mode> = modes.into_iter().filter(|m| *m != Mode::Strip).collect();
        if kept.is_empty() {
            vec![Mode::Whitespace, Mode::Verbatim]
        } else {
            kept
        }
    } else {
        modes
    };
    modes
        .into_iter()
        .map(|mode| Reading {
            // scissors with an editor: whitespace cleanup plus the cut (COMMIT_MSG_CLEANUP_SCISSORS
            // strips comment lines too: strbuf_stripspace gets the comment string only in ALL
            // mode, so scissors keeps them, as whitespace does).
            mode: if scissors_mode && mode == Mode::Strip {
                Mode::Whitespace
            } else {
                mode
            },
            cut: verbose == Some(true)
                || hints.git_scissors
                || (scissors_mode && mode == Mode::Strip),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_lines() {
        let a = parse_commit_args(&["-q", "--amend", "--no-edit"]);
        assert!(a.amend && !a.editor);
        let a = parse_commit_args(&["-am", "msg"]);
        assert!(!a.amend && !a.editor);
        let a = parse_commit_args(&["-sF", "file", "-e", "--clean=verbatim"]);
        assert!(a.editor);
        assert_eq!(a.cleanup.as_deref(), Some("verbatim"));
        let a = parse_commit_args(&["--amen", "-v"]);
        assert!(a.amend && a.editor && a.verbose);
        let a = parse_commit_args(&["-m", "--amend"]);
        assert!(!a.amend);
        let a = parse_commit_args(&["--cleanup", "scissors", "--", "--amend"]);
        assert!(!a.amend && a.editor);
        assert_eq!(a.cleanup.as_deref(), Some("scissors"));
    }

    #[test]
    fn argv_of_git() {
        let v = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let argv = v(&[
            "/usr/bin/git",
            "-c",
            "a=b",
            "--no-pager",
            "commit",
            "--amend",
        ]);
        assert_eq!(after_commit(&argv), Some(&argv[5..]));
        assert_eq!(after_commit(&v(&["git", "ci", "--amend"])), None);
        assert_eq!(after_commit(&v(&["sh", "commit"])), None);
    }

    #[test]
    fn reading_choice() {
        let none = FileHints::default();
        assert_eq!(readings(None, Some(true), Some(false), none).len(), 1);
        assert_eq!(
            readings(None, None, None, none),
            vec![
                Reading {
                    mode: Mode::Strip,
                    cut: false
                },
                Reading {
                    mode: Mode::Whitespace,
                    cut: false
                }
            ]
        );
        assert_eq!(
            readings(Some("verbatim"), Some(true), None, none),
            vec![Reading {
                mode: Mode::Verbatim,
                cut: false
            }]
        );
        let strip = FileHints {
            strip_hint: true,
            ..none
        };
        assert_eq!(
            readings(None, None, None, strip),
            vec![Reading {
                mode: Mode::Strip,
                cut: false
            }]
        );
        assert_eq!(
            readings(Some("scissors"), Some(true), None, none),
            vec![Reading {
                mode: Mode::Whitespace,
                cut: true
            }]
        );
    }
}
