//! Finding the git send-email process that runs the sendemail-validate hook: its pid and
//! start time name the run (so no two runs share state, and a reused pid is a new run), and
//! its command line tells older git's hook which files the run will validate.

/// The git send-email process of this run.
#[derive(Debug, Clone)]
pub struct SendEmail {
    /// Its process id.
    pub pid: u32,
    /// Its start time, in clock ticks after boot (`/proc/<pid>/stat` field 22).
    pub start: u64,
    /// Its command line.
    pub argv: Vec<String>,
}

/// How many parents are looked at: git send-email runs `git hook run`, which runs the shim,
/// which execs us (a hook manager adds a few more).
const MAX_DEPTH: usize = 32;

struct Proc {
    comm: String,
    ppid: u32,
    start: u64,
}

fn stat(pid: u32) -> std::io::Result<Proc> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "unexpected format");
    // The command name sits in parentheses and may hold anything, ')' included.
    let open = stat.find('(').ok_or_else(bad)?;
    let close = stat.rfind(')').ok_or_else(bad)?;
    let comm = stat.get(open + 1..close).ok_or_else(bad)?.to_owned();
    let fields: Vec<&str> = stat
        .get(close + 1..)
        .ok_or_else(bad)?
        .split_whitespace()
        .collect();
    // After the name: state (3), ppid (4), ..., starttime (22).
    let ppid = fields.get(1).and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let start = fields
        .get(19)
        .and_then(|p| p.parse().ok())
        .ok_or_else(bad)?;
    Ok(Proc { comm, ppid, start })
}

fn base(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// Whether a process is git send-email: by its command name or the program it runs
/// (`git-send-email`, or perl running `git-send-email`), never by its other arguments.
fn is_send_email(comm: &str, argv: &[String]) -> bool {
    let arg = |i: usize| argv.get(i).map_or("", |a| base(a));
    comm == "git-send-email"
        || arg(0) == "git-send-email"
        || (arg(0).starts_with("perl") && arg(1) == "git-send-email")
}

/// Walk from the hook's parent up to the git send-email process.
pub fn find_send_email() -> Result<SendEmail, String> {
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..MAX_DEPTH {
        let p = stat(pid).map_err(|e| {
            format!(
                "cannot read /proc/{pid}/stat ({e}), so the git send-email run this email belongs \
                 to is unknown; bpf-policy needs /proc"
            )
        })?;
        let argv: Vec<String> = std::fs::read(format!("/proc/{pid}/cmdline"))
            .unwrap_or_default()
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if is_send_email(&p.comm, &argv) {
            return Ok(SendEmail {
                pid,
                start: p.start,
                argv,
            });
        }
        if p.ppid <= 1 {
            break;
        }
        pid = p.ppid;
    }
    Err(
        "no git send-email process among the hook's parents, so the run this email belongs to \
         is unknown; run the hook only through git send-email (for one file, use \
         `bpf-policy check`)"
            .to_owned(),
    )
}

/// Whether the process `pid` started at `start` still runs.
pub fn alive(pid: u32, start: u64) -> bool {
    stat(pid).is_ok_and(|p| p.start == start)
}

impl SendEmail {
    /// File names (last path component) of the patch files named on the command line, in
    /// order: arguments that are not options and look like what format-patch and b4 write.
    pub fn patch_files(&self) -> Vec<String> {
        let skip = if self
            .argv
            .first()
            .is_some_and(|a| base(a).starts_with("perl"))
        {
            2
        } else {
            1
        };
        self.argv
            .iter()
            .skip(skip)
            .filter(|a| !a.starts_with('-'))
            .map(|a| base(a).to_owned())
            .filter(|a| {
                [".patch", ".eml", ".mbox", ".diff"]
                    .iter()
                    .any(|x| a.ends_with(x))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_send_email_by_program_only() {
        let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(is_send_email(
            "git-send-email",
            &v(&["/usr/bin/perl", "/usr/lib/git-core/git-send-email", "x"])
        ));
        assert!(is_send_email(
            "perl",
            &v(&["perl", "/usr/libexec/git-core/git-send-email"])
        ));
        // A path with "send-email" in it is not send-email.
        assert!(!is_send_email(
            "git",
            &v(&[
                "git",
                "hook",
                "run",
                "sendemail-validate",
                "--",
                "/tmp/send-email/0001.patch"
            ])
        ));
        assert!(!is_send_email(
            "sh",
            &v(&["sh", "/x/git-send-email-wrapper"])
        ));
    }

    #[test]
    fn this_process_is_alive_and_found_in_proc() {
        let me = std::process::id();
        let start = stat(me).map(|p| p.start).unwrap_or(0);
        assert!(alive(me, start));
        assert!(!alive(me, start + 1));
    }
}
