//! git's sendemail-validate hook: check each email before git send-email sends any.
//!
//! git runs the hook once per email, cover letter included, and sends nothing unless every
//! call succeeds. Per-email rules run at each call; series rules need every email, so each
//! validated email is kept in the git directory (one folder per send-email run) and the
//! series rules run when the last one arrives.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bpf_policy::email::{Email, Recipients};
use bpf_policy::input::{As, read_items};
use bpf_policy::item::Item;
use bpf_policy::rules::Scope;
use bpf_policy_hooks::{
    EXIT_OK, EXIT_UNUSABLE, EXIT_VIOLATION, not_installed_here, open_session, read_input, report,
    say,
};

const HOOK: &str = "sendemail-validate";

fn main() -> ExitCode {
    ExitCode::from(run())
}

fn run() -> u8 {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let Some(patch) = args.next() else {
        say(
            HOOK,
            "usage: bpf-policy-sendemail-validate <email-file> [<smtp-header-file>] (git passes them)",
        );
        return EXIT_UNUSABLE;
    };
    let header_file = args.next();
    let Some(bytes) = read_input(HOOK, &patch) else {
        return EXIT_UNUSABLE;
    };
    let session = open_session(HOOK);
    if not_installed_here(HOOK, session.repo.as_ref()) {
        return EXIT_OK;
    }
    let origin = patch.display().to_string();
    let mut items = match read_items(&origin, &bytes, As::Email, &session.comment_char()) {
        Ok(items) => items,
        Err(e) => {
            say(HOOK, format_args!("{origin}: {e}"));
            return EXIT_UNUSABLE;
        }
    };
    // Replies, discussion and --compose notes are not patches: nothing to check, and they
    // are no part of a series' state.
    if items.is_empty() {
        return EXIT_OK;
    }
    if let Some(h) = &header_file {
        match std::fs::read(h) {
            Ok(raw) => {
                let r = smtp_recipients(&raw);
                for item in &mut items {
                    item.recipients = Some(r.clone());
                }
            }
            Err(e) => say(
                HOOK,
                format_args!("warning: cannot read the header file {}: {e}", h.display()),
            ),
        }
    }
    bpf_policy_hooks::explain_scope(HOOK, &session, &items);
    let mut diags = session.check_scoped(&items, Scope::Items);

    let state = session.repo.as_ref().map(|r| StateDir::new(r.git_dir()));
    let position = Position::find(&items, state.as_ref());
    if let Some(state) = &state {
        if position.first {
            state.reset();
            state.prune_stale();
        }
        if let Err(e) = state.keep(&origin, &bytes, header_file.as_deref()) {
            say(
                HOOK,
                format_args!(
                    "warning: cannot keep series state in {}: {e}",
                    state.dir.display()
                ),
            );
        }
        if position.last {
            let series = state.load();
            diags.extend(session.check_scoped(&series, Scope::Series));
            state.reset();
        }
    } else if position.last && position.first {
        diags.extend(session.check_scoped(&items, Scope::Series));
    }
    if report(&diags, items.len()) {
        say(
            HOOK,
            "nothing has been sent. Fix the patches and run git send-email again (--no-validate skips this check)",
        );
        return EXIT_VIOLATION;
    }
    EXIT_OK
}

/// To/Cc/Bcc of the SMTP header file git writes for the hook (git 2.41 and later).
fn smtp_recipients(raw: &[u8]) -> Recipients {
    let mut r = Recipients::default();
    if let Ok((headers, _)) = mailparse::parse_headers(raw) {
        for h in headers {
            let key = h.get_key();
            if ["to", "cc", "bcc"]
                .iter()
                .any(|k| key.eq_ignore_ascii_case(k))
            {
                r.add(&key, &h.get_value(), 0);
            }
        }
    }
    r
}

/// Where this email stands in its send-email run.
struct Position {
    first: bool,
    last: bool,
}

impl Position {
    fn find(items: &[Item], state: Option<&StateDir>) -> Position {
        let var = |n: &str| {
            std::env::var(n)
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        if let (Some(c), Some(t)) = (
            var("GIT_SENDEMAIL_FILE_COUNTER"),
            var("GIT_SENDEMAIL_FILE_TOTAL"),
        ) {
            return Position {
                first: c <= 1,
                last: c >= t,
            };
        }
        // Older git: the n/m counter says where we are. A cover letter (0/m) opens a series,
        // and so does patch 1 unless the cover letter came just before it; patch m closes it;
        // an unnumbered patch is a series of its own.
        let counter = items
            .first()
            .and_then(|i| i.prefix.as_ref())
            .and_then(|p| p.counter);
        match counter {
            Some((0, m)) => Position {
                first: true,
                last: m == 0,
            },
            Some((1, m)) => Position {
                first: !state.is_some_and(StateDir::holds_only_a_cover),
                last: m <= 1,
            },
            Some((n, m)) => Position {
                first: false,
                last: n >= m,
            },
            None => Position {
                first: true,
                last: true,
            },
        }
    }
}

/// The folder that holds one send-email run's emails.
struct StateDir {
    dir: PathBuf,
}

impl StateDir {
    fn new(git_dir: &Path) -> StateDir {
        StateDir {
            dir: git_dir.join("bpf-policy").join("sendemail").join(run_key()),
        }
    }

    fn reset(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Runs that stopped half-way (a failed email, ^C) leave their folder behind; a day on,
    /// no send-email is still running that could want it.
    fn prune_stale(&self) {
        let Some(parent) = self.dir.parent() else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(parent) else {
            return;
        };
        let day = std::time::Duration::from_secs(24 * 60 * 60);
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > day);
            if old && e.path() != self.dir {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }

    fn stored(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    fn keep(&self, origin: &str, email: &[u8], header_file: Option<&Path>) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let n = self.stored().len();
        let base = self.dir.join(format!("{n:05}"));
        std::fs::write(base.with_extension("eml"), email)?;
        std::fs::write(base.with_extension("src"), origin)?;
        if let Some(h) = header_file {
            std::fs::copy(h, base.with_extension("hdr"))?;
        }
        Ok(())
    }

    fn holds_only_a_cover(&self) -> bool {
        let items = self.load();
        items.len() == 1 && items.iter().all(|i| i.is_cover)
    }

    fn load(&self) -> Vec<Item> {
        let mut items = Vec::new();
        for f in self.stored() {
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            let Ok(email) = Email::parse(&bytes, 1) else {
                continue;
            };
            let origin = std::fs::read_to_string(f.with_extension("src"))
                .unwrap_or_else(|_| f.display().to_string());
            let mut item = Item::from_email(origin, email);
            if let Ok(raw) = std::fs::read(f.with_extension("hdr")) {
                item.recipients = Some(smtp_recipients(&raw));
            }
            items.push(item);
        }
        items
    }
}

/// A key for the running git send-email: the nearest ancestor process that is send-email,
/// with its start time (so a reused pid is a new key). Two sends never share it.
fn run_key() -> String {
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..8 {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields after the command name (which may hold spaces) start at the last ')'.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, r)| r.split_whitespace().collect())
            .unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains("send-email") {
            let start = fields.get(19).copied().unwrap_or("0");
            return format!("{pid}-{start}");
        }
        match fields.get(1).and_then(|p| p.parse::<u32>().ok()) {
            Some(ppid) if ppid > 1 => pid = ppid,
            _ => break,
        }
    }
    "default".to_owned()
}
