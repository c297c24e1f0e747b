//! git's sendemail-validate hook: check each email before git send-email sends any.
//!
//! git runs the hook once per email, cover letter included, and sends nothing unless every
//! call succeeds. Per-email rules run at each call; series rules need every email of the run,
//! so each validated email is kept (privately, see `bpf_policy_repo::state`) in a folder for
//! the send-email run, and the series rules run when the run's last email arrives. The
//! folder is removed when the run ends, refused or not; one left by a run that was killed is
//! removed by the next run once its send-email process is gone.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bpf_policy::email::Recipients;
use bpf_policy::input::{As, read_items};
use bpf_policy::item::Item;
use bpf_policy::rules::Scope;
use bpf_policy::sent::{SendFacts, SentEntry};
use bpf_policy_hooks::sendemail::{SendEmail, find_send_email};
use bpf_policy_hooks::{
    EXIT_OK, EXIT_UNUSABLE, EXIT_VIOLATION, not_installed_here, open_session, read_input, report,
    say,
};
use bpf_policy_repo::state::{StateDir, StateError};
use bpf_policy_repo::{SentLog, Session, now};

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
    let header = match &header_file {
        Some(h) => match std::fs::read(h) {
            Ok(raw) => Some(raw),
            // As before: the email itself is still checked, its recipients from its headers.
            Err(e) => {
                say(
                    HOOK,
                    format_args!("warning: cannot read the header file {}: {e}", h.display()),
                );
                None
            }
        },
        None => None,
    };
    let Some(items) = parse(&session, &origin, &bytes, header.as_deref()) else {
        return abandon(&session);
    };
    bpf_policy_hooks::explain_scope(HOOK, &session, &items);
    let mut diags = session.check_scoped(&items, Scope::Items);

    let counter = items
        .first()
        .and_then(|i| i.prefix.as_ref())
        .and_then(|p| p.counter);
    let plan = Plan::from_env(counter);
    // Replies, discussion and --compose notes are not patches: nothing to check, and they are
    // no part of a series' state. Only when one is the run's last email does its call judge
    // the patches kept before it.
    if items.is_empty() && plan != Plan::Last {
        return EXIT_OK;
    }
    let mut run = None;
    let mut record = None;
    // This call's email as the series judgement sees it, beside the ones kept before it.
    let this = || Raw {
        origin: origin.clone(),
        email: bytes.clone(),
        header: header.clone(),
    };
    match plan {
        Plan::Alone if items.is_empty() => {}
        Plan::Alone => {
            if let Err(e) = judge_into(&session, &items, &[this()], &mut diags, &mut record) {
                say_unchecked(&e);
                return EXIT_UNUSABLE;
            }
        }
        Plan::Keep | Plan::Last | Plan::Counted => {
            let opened = session
                .repo
                .as_ref()
                .ok_or_else(|| {
                    "no repository to keep the series in while send-email validates it".to_owned()
                })
                .and_then(|r| Run::open(&r.common_dir()).map_err(|e| e.to_string()));
            let r = match opened {
                Ok(r) => run.insert(r),
                Err(e) => {
                    say(
                        HOOK,
                        format_args!("cannot check the series as a whole, so nothing is sent: {e}"),
                    );
                    return EXIT_UNUSABLE;
                }
            };
            match r.step(plan, counter, &origin, &bytes, header.as_deref()) {
                Ok(Some(stored)) => {
                    let Some((mut all, mut raw)) = r.load(&session, stored) else {
                        return r.abort();
                    };
                    all.extend(items.iter().cloned());
                    raw.push(this());
                    if let Err(e) = judge_into(&session, &all, &raw, &mut diags, &mut record) {
                        say_unchecked(&e);
                        return r.abort();
                    }
                    r.finish();
                }
                Ok(None) => {}
                Err(e) => {
                    say(
                        HOOK,
                        format_args!(
                            "cannot keep the series while send-email validates it, so nothing is sent: {e}"
                        ),
                    );
                    return r.abort();
                }
            }
        }
    }
    if report(&diags, items.len().max(1)) {
        say(
            HOOK,
            "nothing has been sent. Fix the patches and run git send-email again (--no-validate skips this check)",
        );
        if let Some(r) = &run {
            // send-email stops at the first refusal: this run will not call again.
            r.finish();
        }
        return EXIT_VIOLATION;
    }
    // `git send-email --dry-run` validates too, but sends nothing: nothing to log.
    let dry_run = run
        .as_ref()
        .map_or_else(|| find_send_email().ok(), |r| Some(r.send_email.clone()))
        .is_some_and(|p| p.argv.iter().any(|a| a == "--dry-run"));
    if let (Some(entry), Some(repo), false) = (record, &session.repo, dry_run) {
        let logged = SentLog::open(&repo.common_dir()).and_then(|mut log| log.add(&entry));
        if let Err(e) = logged {
            say(
                HOOK,
                format_args!("warning: the send log could not record this series: {e}"),
            );
        }
    }
    EXIT_OK
}

/// One email of the run as git gave it.
struct Raw {
    origin: String,
    email: Vec<u8>,
    header: Option<Vec<u8>>,
}

/// A header's value in a block of headers.
fn header_in(bytes: &[u8], name: &str) -> Option<String> {
    mailparse::parse_headers(bytes).ok().and_then(|(hs, _)| {
        hs.iter()
            .find(|h| h.get_key().eq_ignore_ascii_case(name))
            .map(|h| h.get_value().trim().to_owned())
            .filter(|v| !v.is_empty())
    })
}

/// A header's value in send-email's header file, else in the email itself.
fn header_value(raw: &Raw, name: &str) -> Option<String> {
    raw.header
        .as_deref()
        .and_then(|h| header_in(h, name))
        .or_else(|| header_in(&raw.email, name))
}

/// Judge the send, adding its findings to `diags` and what the send log should record to
/// `record`; an error says why it could not be judged (the caller refuses the send).
fn judge_into(
    session: &Session,
    items: &[Item],
    raw: &[Raw],
    diags: &mut Vec<bpf_policy::Diagnostic>,
    record: &mut Option<SentEntry>,
) -> Result<(), String> {
    let (d, entry) = judge(session, items, raw)?;
    diags.extend(d);
    *record = entry;
    Ok(())
}

/// Say that the send could not be judged, so nothing goes out.
fn say_unchecked(why: &str) {
    say(
        HOOK,
        format_args!("cannot check the send, so nothing is sent: {why}"),
    );
}

/// The series rules over the whole run, with the send log, the clock, the thread and the
/// target tree; and the log entry to write if the run goes out.
fn judge(
    session: &Session,
    items: &[Item],
    raw: &[Raw],
) -> Result<(Vec<bpf_policy::Diagnostic>, Option<SentEntry>), String> {
    let Some(repo) = &session.repo else {
        return Ok((session.check_whole_send(items, None), None));
    };
    let now = now();
    let sent = SentLog::open(&repo.common_dir())
        .and_then(|l| l.entries())
        .map_err(|e| e.to_string())?;
    // The run's first email as it goes out: the cover letter, else the lowest-numbered.
    let number = |r: &Raw| {
        items
            .iter()
            .find(|i| i.origin == r.origin)
            .and_then(|i| i.prefix.as_ref())
            .and_then(|p| p.number())
            .unwrap_or(u32::MAX)
    };
    let mut ordered: Vec<&Raw> = raw.iter().collect();
    ordered.sort_by_key(|r| number(r));
    let first = ordered.first().copied();
    let tree = session.tree.as_ref().map(|(t, _)| *t).or_else(|| {
        items
            .iter()
            .find_map(|i| i.prefix.as_ref().and_then(|p| p.tree))
    });
    let base = bpf_policy::sent::base_commit(items);
    let patches: Vec<(String, Vec<u8>)> = ordered
        .iter()
        .filter(|r| {
            items
                .iter()
                .any(|i| i.origin == r.origin && i.has_diff && !i.is_cover && !i.pull_request)
        })
        .map(|r| (r.origin.clone(), r.email.clone()))
        .collect();
    let tree_check =
        tree.map(|t| repo.check_against(repo.tree_ref(t), &patches, base.as_deref(), now));
    let facts = SendFacts {
        now,
        sent,
        tree: tree_check,
    };
    let diags = session.check_whole_send(items, Some(&facts));
    // A run of replies or pull requests only sent no series.
    let entry = items.iter().any(|i| !i.pull_request).then(|| {
        SentEntry::of(
            items,
            now,
            first.and_then(|r| header_value(r, "Message-ID")),
        )
    });
    Ok((diags, entry))
}

/// This email cannot be checked, and send-email stops at it: remove what its run kept.
fn abandon(session: &Session) -> u8 {
    if let (Some(repo), Ok(p)) = (&session.repo, find_send_email())
        && let Ok(Some(state)) = StateDir::for_repo(&repo.common_dir(), false)
        && let Ok(Some(runs)) = state.existing_child("sendemail")
    {
        let _ = runs.remove_child(&run_name(&p), is_run_file);
    }
    EXIT_UNUSABLE
}

/// One email as items, with the recipients of send-email's header file when there is one.
fn parse(
    session: &Session,
    origin: &str,
    bytes: &[u8],
    header: Option<&[u8]>,
) -> Option<Vec<Item>> {
    let mut items = match read_items(origin, bytes, As::Email, &session.comment_char()) {
        Ok(items) => items,
        Err(e) => {
            say(HOOK, format_args!("{origin}: {e}"));
            return None;
        }
    };
    if let Some(raw) = header {
        let r = Recipients::from_header_block(raw);
        let reply = header_in(raw, "In-Reply-To");
        for item in &mut items {
            item.recipients = Some(r.clone());
            if reply.is_some() {
                item.in_reply_to.clone_from(&reply);
            }
        }
    }
    Some(items)
}

/// What this call does with the run's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// The run is this one email: judge it alone, keep nothing.
    Alone,
    /// git says more emails follow: keep this one.
    Keep,
    /// git says this is the run's last email: judge the run.
    Last,
    /// Older git (no counters): decide from the n/m counters of what has arrived.
    Counted,
}

impl Plan {
    fn from_env(counter: Option<(u32, u32)>) -> Plan {
        let var = |n: &str| {
            std::env::var(n)
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        match (
            var("GIT_SENDEMAIL_FILE_COUNTER"),
            var("GIT_SENDEMAIL_FILE_TOTAL"),
        ) {
            (Some(_), Some(t)) if t <= 1 => Plan::Alone,
            (Some(c), Some(t)) if c >= t => Plan::Last,
            (Some(_), Some(_)) => Plan::Keep,
            // An unnumbered patch is a series of its own.
            _ if counter.is_none() => Plan::Alone,
            _ => Plan::Counted,
        }
    }
}

/// A stored email: its sequence number and its n/m counter.
#[derive(Debug, Clone)]
struct Stored {
    seq: u32,
    counter: Option<(u32, u32)>,
}

/// Names of the files a run folder holds: `NNNNN-n-m.eml` (the email, its counter in the
/// name so completeness needs no parsing), `NNNNN.src` (the path git gave), `NNNNN.hdr`
/// (send-email's header file).
fn is_run_file(name: &str) -> bool {
    name.len() > 6
        && name.as_bytes()[..5].iter().all(u8::is_ascii_digit)
        && [".eml", ".src", ".hdr"].iter().any(|x| name.ends_with(x))
}

fn parse_stored(name: &str) -> Option<Stored> {
    let stem = name.strip_suffix(".eml")?;
    let mut parts = stem.split('-');
    let seq = parts.next()?.parse().ok()?;
    let n = parts.next()?;
    let m = parts.next()?;
    let counter = n.parse().ok().zip(m.parse().ok());
    Some(Stored { seq, counter })
}

/// The name a run's folder has: the send-email process and its start time.
fn run_name(p: &SendEmail) -> String {
    format!("run-{}-{}", p.pid, p.start)
}

/// One git send-email run's folder.
struct Run {
    runs: StateDir,
    name: String,
    dir: StateDir,
    send_email: SendEmail,
}

impl Run {
    fn open(common_dir: &Path) -> Result<Run, String> {
        let send_email = find_send_email()?;
        let err = |e: StateError| e.to_string();
        let state = StateDir::for_repo(common_dir, true)
            .map_err(err)?
            .ok_or("no state directory")?;
        let runs = state.child("sendemail").map_err(err)?;
        let name = run_name(&send_email);
        let dir = runs.child(&name).map_err(err)?;
        let run = Run {
            runs,
            name,
            dir,
            send_email,
        };
        if run.dir.names().map_err(err)?.is_empty() {
            run.prune_dead();
        }
        Ok(run)
    }

    /// Remove the folders of runs whose send-email process is gone (killed, or a
    /// validation that died half-way). Only folders named as bpf-policy names them, and in
    /// them only its own files; anything else stays.
    fn prune_dead(&self) {
        let Ok(names) = self.runs.names() else { return };
        for n in names {
            if n == self.name {
                continue;
            }
            let Some((pid, start)) = n
                .strip_prefix("run-")
                .and_then(|r| r.split_once('-'))
                .and_then(|(p, s)| p.parse::<u32>().ok().zip(s.parse::<u64>().ok()))
            else {
                continue;
            };
            if !bpf_policy_hooks::sendemail::alive(pid, start) {
                let _ = self.runs.remove_child(&n, is_run_file);
            }
        }
    }

    fn stored(&self) -> Result<Vec<(String, Stored)>, StateError> {
        Ok(self
            .dir
            .names()?
            .into_iter()
            .filter_map(|n| parse_stored(&n).map(|s| (n, s)))
            .collect())
    }

    /// Keep or judge this email. Returns the emails stored before it when the run is to be
    /// judged now.
    fn step(
        &self,
        plan: Plan,
        counter: Option<(u32, u32)>,
        origin: &str,
        bytes: &[u8],
        header: Option<&[u8]>,
    ) -> Result<Option<Vec<(String, Stored)>>, StateError> {
        let stored = self.stored()?;
        let judge = match plan {
            Plan::Last => true,
            Plan::Counted => self.complete(&stored, counter, origin)?,
            _ => false,
        };
        if judge {
            return Ok(Some(stored));
        }
        let seq = stored.iter().map(|(_, s)| s.seq + 1).max().unwrap_or(0);
        let (n, m) = counter.map_or(("x".into(), "x".into()), |(n, m)| {
            (n.to_string(), m.to_string())
        });
        self.dir
            .create_file(&format!("{seq:05}.src"), origin.as_bytes())?;
        if let Some(h) = header {
            self.dir.create_file(&format!("{seq:05}.hdr"), h)?;
        }
        // The email last: its name is what marks it stored.
        self.dir
            .create_file(&format!("{seq:05}-{n}-{m}.eml"), bytes)?;
        Ok(None)
    }

    /// Older git: the series is complete when patches 1..m have all arrived (in any order)
    /// and no cover letter named on send-email's command line is still to come, or when
    /// every patch file named there has arrived.
    fn complete(
        &self,
        stored: &[(String, Stored)],
        counter: Option<(u32, u32)>,
        origin: &str,
    ) -> Result<bool, StateError> {
        let mut arrived: Vec<String> = vec![base_name(origin).to_owned()];
        for (_, s) in stored {
            if let Some(src) = self.dir.read(&format!("{:05}.src", s.seq))? {
                arrived.push(base_name(&String::from_utf8_lossy(&src)).to_owned());
            }
        }
        let named = self.send_email.patch_files();
        if named.iter().any(|f| f == base_name(origin)) {
            return Ok(named.iter().all(|f| arrived.contains(f)));
        }
        let Some((_, m)) = counter else {
            return Ok(true);
        };
        let numbers: Vec<u32> = stored
            .iter()
            .filter_map(|(_, s)| s.counter)
            .chain(counter)
            .filter(|&(_, t)| t == m)
            .map(|(n, _)| n)
            .collect();
        let patches = (1..=m).all(|n| numbers.contains(&n));
        let cover_due = !numbers.contains(&0)
            && named
                .iter()
                .any(|f| is_cover_name(f) && !arrived.contains(f));
        Ok(patches && !cover_due)
    }

    /// Read the stored emails back, each parsed once, in the order they came.
    fn load(
        &self,
        session: &Session,
        stored: Vec<(String, Stored)>,
    ) -> Option<(Vec<Item>, Vec<Raw>)> {
        let mut items = Vec::new();
        let mut raw = Vec::new();
        for (name, s) in stored {
            let read = |n: &str| self.dir.read(n);
            let (email, src, hdr) = match (
                read(&name),
                read(&format!("{:05}.src", s.seq)),
                read(&format!("{:05}.hdr", s.seq)),
            ) {
                (Ok(Some(e)), Ok(src), Ok(h)) => (e, src, h),
                (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => {
                    say(HOOK, format_args!("cannot read the kept series: {e}"));
                    return None;
                }
                (Ok(None), ..) => continue,
            };
            let origin = src.map_or_else(
                || name.clone(),
                |b| String::from_utf8_lossy(&b).into_owned(),
            );
            items.extend(parse(session, &origin, &email, hdr.as_deref())?);
            raw.push(Raw {
                origin,
                email,
                header: hdr,
            });
        }
        Some((items, raw))
    }

    /// The run is over: remove its folder.
    fn finish(&self) {
        if let Err(e) = self.runs.remove_child(&self.name, is_run_file) {
            say(HOOK, format_args!("warning: {e}"));
        }
    }

    fn abort(&self) -> u8 {
        self.finish();
        EXIT_UNUSABLE
    }
}

fn base_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// A cover letter's file name as git format-patch (`0000-cover-letter.patch`, `v2-0000-...`)
/// and b4 write it.
fn is_cover_name(f: &str) -> bool {
    let f = f
        .strip_prefix('v')
        .and_then(|r| r.split_once('-'))
        .filter(|(v, _)| v.bytes().all(|b| b.is_ascii_digit()))
        .map_or(f, |(_, r)| r);
    f.starts_with("0000-") || f.contains("cover-letter")
}
