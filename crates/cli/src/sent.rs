//! `bpf-policy sent`: list the send log sendemail-validate keeps, or drop an entry from it.

use std::path::Path;

use bpf_policy_repo::{Repo, SentLog};

use crate::{EXIT_OK, EXIT_UNUSABLE, print_out};

/// List the log, or forget `forget`.
pub fn run(repo_dir: Option<&Path>, forget: Option<&str>) -> u8 {
    let dir = repo_dir.map_or_else(
        || std::env::current_dir().unwrap_or_else(|_| ".".into()),
        Path::to_path_buf,
    );
    let repo = match Repo::open(&dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bpf-policy: {e}");
            return EXIT_UNUSABLE;
        }
    };
    let log = match SentLog::open(&repo.common_dir()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bpf-policy: {e}");
            return EXIT_UNUSABLE;
        }
    };
    if let Some(series) = forget {
        return match log.forget(series) {
            Ok(0) => {
                eprintln!(
                    "bpf-policy: no series '{series}' in the send log (`bpf-policy sent` lists it)"
                );
                EXIT_UNUSABLE
            }
            Ok(n) => {
                print_out(&format!("forgot {n} posting(s) of '{series}'\n"));
                EXIT_OK
            }
            Err(e) => {
                eprintln!("bpf-policy: {e}");
                EXIT_UNUSABLE
            }
        };
    }
    let entries = match log.entries() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bpf-policy: {e}");
            return EXIT_UNUSABLE;
        }
    };
    let mut out = String::new();
    for (i, e) in entries.iter().enumerate() {
        out.push_str(&format!(
            "{:>3}  {}  {:<13} v{:<2} {} ({} patch{})\n",
            i + 1,
            utc(e.time),
            e.tree.as_deref().unwrap_or("-"),
            e.version,
            e.title(),
            e.subjects.len(),
            if e.subjects.len() == 1 { "" } else { "es" }
        ));
    }
    print_out(&out);
    EXIT_OK
}

/// `YYYY-MM-DD HH:MM` UTC for seconds since the epoch (civil-from-days, no time crate).
fn utc(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        (secs % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00");
        assert_eq!(super::utc(1_727_776_800), "2024-10-01 10:00");
    }
}
