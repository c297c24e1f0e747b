//! `bpf-policy check`.

use std::io::Read;
use std::path::{Path, PathBuf};

use bpf_policy::Diagnostic;
use bpf_policy::diag::Level;
use bpf_policy::input::{As, InputError, read_input};
use bpf_policy::item::{Item, ItemKind};
use bpf_policy::message::CommentChar;
use bpf_policy::render::{Format, render, reporter};
use bpf_policy::tree::Tree;
use bpf_policy_repo::{Repo, Session};

use crate::{AsArg, CheckArgs, EXIT_UNUSABLE, FormatArg, print_out, use_color};

/// Files larger than this are refused before they are read.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
enum Unusable {
    #[error("{path}: cannot read it: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Input { path: String, source: InputError },
    #[error("{0}: no *.patch files in this directory (nor b4's *.eml)")]
    EmptyDir(String),
    #[error("{0}: it is larger than {MAX_FILE_BYTES} bytes; that is not a patch")]
    Huge(String),
    #[error("{0}")]
    Repo(#[from] bpf_policy_repo::RepoError),
    #[error("--range needs a git repository, and {0} is not in one (use --repo DIR)")]
    NoRepo(String),
    #[error("{0}")]
    Usage(String),
}

pub fn run(args: &CheckArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            crate::say(format_args!("{e}"));
            EXIT_UNUSABLE
        }
    }
}

fn run_inner(args: &CheckArgs) -> Result<u8, Unusable> {
    let explicit = match &args.tree {
        Some(t) => Some(
            t.parse::<Tree>()
                .map_err(|e| Unusable::Usage(e.to_string()))?,
        ),
        None => None,
    };
    let repo = open_repo(args)?;
    let mut session = Session::new(repo, !args.no_repo, explicit);
    for p in &session.warnings {
        warn(args, p);
    }
    for spec in &args.severity {
        let (id, level) = spec
            .split_once('=')
            .ok_or_else(|| Unusable::Usage(format!("-W {spec}: expected RULE=LEVEL")))?;
        let rule = bpf_policy::config::find_rule(id.trim()).ok_or_else(|| {
            Unusable::Usage(format!(
                "-W {spec}: {}",
                bpf_policy::config::unknown_rule_message(id.trim())
            ))
        })?;
        let level: Level = level.parse().map_err(|e: bpf_policy::diag::BadSeverity| {
            Unusable::Usage(format!("-W {spec}: {e}"))
        })?;
        session.config.set(rule.id, level);
    }
    if args.verbose {
        match &session.repo {
            Some(r) => crate::say(format_args!("repository {}", r.git_dir().display())),
            None => crate::say(format_args!("no repository")),
        }
        match &session.tree {
            Some((t, s)) => crate::say(format_args!("target tree {t} (from {s})")),
            None => crate::say(format_args!(
                "target tree unknown; each patch's subject prefix decides"
            )),
        }
    }
    let comment = session.comment_char();

    let mut unusable = Vec::new();
    let mut series: Vec<Item> = Vec::new();
    let mut singles: Vec<Item> = Vec::new();
    let mut inputs = 0usize;
    // A directory is a whole series by definition: its gaps are real ones.
    let mut directory = false;
    if let Some(range) = &args.range {
        let Some(r) = &session.repo else {
            return Err(Unusable::NoRepo(
                args.repo
                    .as_ref()
                    .map_or(".".into(), |p| p.display().to_string()),
            ));
        };
        for c in r.range(range)? {
            inputs += 1;
            series.push(Item::from_commit(
                &c.id,
                &c.message,
                c.author,
                c.files,
                c.parent_count,
            ));
        }
        if series.is_empty() {
            warn(args, &format!("the range {range} holds no commits"));
        }
    } else {
        let paths: Vec<PathBuf> = if args.paths.is_empty() {
            // Waiting on a terminal for a patch nobody is typing helps no one.
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(Unusable::Usage(
                    "nothing to check: name patch files, an mbox, a directory, --range A..B, or - for standard input"
                        .into(),
                ));
            }
            vec![PathBuf::from("-")]
        } else {
            args.paths.clone()
        };
        let mode = match args.as_ {
            AsArg::Auto => As::Auto,
            AsArg::Message => As::Message,
            AsArg::Email => As::Email,
        };
        // checkpatch calls standard input "-", and b4 strips a leading "-:" from each line.
        let stdin_name = match args.format {
            FormatArg::Checkpatch => "-",
            _ => "<stdin>",
        };
        directory = paths.iter().any(|p| p.is_dir());
        for p in &paths {
            match load(p, mode, &comment, stdin_name) {
                Ok((items, files, skipped)) => {
                    // Files read, so a directory of three patches and the same three patches
                    // named one by one are both "3 inputs".
                    inputs += files;
                    if args.verbose {
                        for s in skipped {
                            eprintln!("bpf-policy: {s}: not checked");
                        }
                    }
                    for item in items {
                        if item.kind == ItemKind::Email {
                            series.push(item);
                        } else {
                            singles.push(item);
                        }
                    }
                }
                Err(e) => unusable.push(e),
            }
        }
    }

    if args.verbose {
        for (item, d) in series.iter().chain(&singles).zip(
            session.scope(&series).into_iter().chain(
                singles
                    .iter()
                    .flat_map(|i| session.scope(std::slice::from_ref(i))),
            ),
        ) {
            let verdict = if item.pull_request {
                "a pull request, pull-request-subject only"
            } else if d.in_scope {
                "BPF/netdev work"
            } else {
                "not BPF/netdev work, kernel-wide rules only"
            };
            eprintln!("bpf-policy: {}: {verdict}: {}", item.origin, d.why);
        }
        if let Some(note) = session
            .repo
            .as_ref()
            .and_then(|r| r.maintainers_cache_note())
        {
            eprintln!("bpf-policy: {note}");
        }
    }
    // One part of an n/m series given alone (b4 prep --check feeds one patch at a time):
    // whether the rest exists cannot be known, so series rules would only guess.
    let lone_part = args.range.is_none()
        && !directory
        && inputs == 1
        && series.len() == 1
        && series[0]
            .prefix
            .as_ref()
            .and_then(|p| p.total())
            .is_some_and(|m| m > 1);
    let mut diags: Vec<Diagnostic> = Vec::new();
    if lone_part {
        if args.verbose {
            eprintln!(
                "bpf-policy: {}: one part of a series given alone: series rules need the whole series",
                series[0].origin
            );
        }
        diags.extend(session.check_scoped(&series, bpf_policy::rules::Scope::Items));
    } else if !series.is_empty() {
        let send = match (&session.repo, args.sent_log) {
            (Some(r), true) => Some(send_facts(r, &session, &series)?),
            _ => None,
        };
        diags.extend(match &send {
            Some(f) => session.check_sending(&series, f),
            None => session.check(&series),
        });
    }
    for item in &singles {
        diags.extend(session.check(std::slice::from_ref(item)));
    }
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Checkpatch => Format::Checkpatch,
    };
    let report = reporter(format, use_color(args.color));
    if inputs > 0 || unusable.is_empty() {
        print_out(&render(report.as_ref(), &diags, inputs));
    }
    for e in &unusable {
        crate::say(format_args!("{e}"));
    }
    Ok(if unusable.is_empty() {
        bpf_policy::exit::for_diagnostics(&diags)
    } else {
        EXIT_UNUSABLE
    })
}

/// What `--sent-log` adds: the repository's send log, the clock, and the series against the
/// target tree's branch, as sendemail-validate gathers them.
fn send_facts(
    r: &Repo,
    session: &Session,
    series: &[Item],
) -> Result<bpf_policy::sent::SendFacts, Unusable> {
    let now = bpf_policy_repo::now();
    let sent = bpf_policy_repo::SentLog::open(&r.common_dir())
        .and_then(|l| l.entries())
        .map_err(|e| Unusable::Usage(format!("--sent-log: {e}")))?;
    let tree = session.tree.as_ref().map(|(t, _)| *t).or_else(|| {
        series
            .iter()
            .find_map(|i| i.prefix.as_ref().and_then(|p| p.tree))
    });
    // The patch files again, as bytes for git apply (an mbox once for all its patches).
    let mut origins: Vec<&str> = series
        .iter()
        .filter(|i| i.has_diff && !i.is_cover && !i.pull_request)
        .map(|i| i.origin.as_str())
        .collect();
    origins.dedup();
    let patches: Option<Vec<(String, Vec<u8>)>> = origins
        .iter()
        .map(|o| std::fs::read(o).ok().map(|b| ((*o).to_owned(), b)))
        .collect();
    let base = bpf_policy::sent::base_commit(series);
    let tree = tree.map(|t| match &patches {
        Some(p) => r.check_against(r.tree_ref(t), p, base.as_deref(), now),
        None => bpf_policy::sent::TreeCheck {
            tree_ref: None,
            applies: bpf_policy::sent::Applies::Skipped(
                "standard input cannot be read a second time to apply it".into(),
            ),
            foreign_base: None,
        },
    });
    Ok(bpf_policy::sent::SendFacts { now, sent, tree })
}

fn open_repo(args: &CheckArgs) -> Result<Option<Repo>, Unusable> {
    if args.no_repo {
        return Ok(None);
    }
    if let Some(dir) = &args.repo {
        return Ok(Some(Repo::open(dir)?));
    }
    let cwd = std::env::current_dir().map_err(|source| Unusable::Io {
        path: ".".into(),
        source,
    })?;
    match Repo::discover(&cwd) {
        Ok(r) => Ok(r),
        Err(e) if args.range.is_some() => Err(e.into()),
        Err(e) => {
            // The text can still be checked; say what is lost.
            warn(
                args,
                &format!("{e}; checking without the repository (no Fixes: verification)"),
            );
            Ok(None)
        }
    }
}

/// Something the user should know that is not a finding. b4 counts every line a check command
/// writes on standard error as a failure of the patch, so in checkpatch format it goes to
/// standard output as a checkpatch warning instead.
fn warn(args: &CheckArgs, msg: &str) {
    match args.format {
        FormatArg::Checkpatch => print_out(&format!(
            "WARNING:BPF_POLICY: {}\n",
            bpf_policy::render::terminal_safe(msg)
        )),
        FormatArg::Human | FormatArg::Json => crate::say(format_args!("warning: {msg}")),
    }
}

/// A series file in a directory: `git format-patch` and `b4 prep -p` write `*.patch`, and
/// `b4 send -o` writes `*.eml`.
fn is_series_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "patch" || e == "eml") && p.is_file()
}

/// The items of one path, how many files they came from (a directory's patches count one
/// each; standard input, a message or an mbox is one), and a note for each email in it that
/// is not a patch.
type Loaded = (Vec<Item>, usize, Vec<String>);

fn load(
    path: &Path,
    mode: As,
    comment: &CommentChar,
    stdin_name: &str,
) -> Result<Loaded, Unusable> {
    let name = path.display().to_string();
    if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|source| Unusable::Io {
                path: "<stdin>".into(),
                source,
            })?;
        if buf.len() as u64 > MAX_FILE_BYTES {
            return Err(Unusable::Huge("<stdin>".into()));
        }
        return read_input(stdin_name, &buf, mode, comment)
            .map(|r| noted(stdin_name, r))
            .map_err(|source| Unusable::Input {
                path: "<stdin>".into(),
                source,
            });
    }
    let meta = std::fs::metadata(path).map_err(|source| Unusable::Io {
        path: name.clone(),
        source,
    })?;
    if meta.is_dir() {
        let mut patches: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|source| Unusable::Io {
                path: name.clone(),
                source,
            })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| is_series_file(p))
            .collect();
        patches.sort();
        if patches.is_empty() {
            return Err(Unusable::EmptyDir(name));
        }
        let mut items = Vec::new();
        let mut skipped = Vec::new();
        for p in &patches {
            let (i, _, s) = load(
                p,
                if mode == As::Auto { As::Email } else { mode },
                comment,
                stdin_name,
            )?;
            items.extend(i);
            skipped.extend(s);
        }
        return Ok((items, patches.len(), skipped));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Unusable::Huge(name));
    }
    let bytes = std::fs::read(path).map_err(|source| Unusable::Io {
        path: name.clone(),
        source,
    })?;
    read_input(&name, &bytes, mode, comment)
        .map(|r| noted(&name, r))
        .map_err(|source| Unusable::Input { path: name, source })
}

/// Emails that are not patches are left alone (POLICY.md, Scope); say which, for --verbose.
fn noted(name: &str, r: bpf_policy::input::Read) -> Loaded {
    let notes = r
        .skipped
        .into_iter()
        .map(|(line, why)| format!("{name}: email at line {line}: {why}"))
        .collect();
    (r.items, 1, notes)
}
