//! The BPF, NETWORKING and XDP entries of MAINTAINERS (`scope::OUR_ENTRIES`), kept in
//! bpf-policy's state directory per MAINTAINERS version, so that a hook decides scope without
//! inflating and scanning the whole 800 KB file on every commit.
//!
//! The key is the id of the MAINTAINERS blob in HEAD's tree (what scope reads today), which
//! the tree lists without the blob being read. The value is the text of our entries as
//! [`Maintainers::named`](bpf_policy::maintainers::Maintainers::named) writes it, so parsing
//! it gives the same entries as picking them from the whole file. Each file starts with a
//! header naming the format version, the blob id, the entry names, the length and an FNV-1a
//! checksum of the text: a file from another version, another blob, or cut short or altered
//! is not used (and is replaced). Files are named `maintainers-<blob id>.ours`; at most
//! [`KEEP`] are kept (linked worktrees on different bases each have theirs), the oldest
//! removed first.
//!
//! Everything goes through [`StateDir`] (no symlink followed, owner checked, 0700/0600,
//! written to a temporary file renamed over the old one). The cache only ever saves work:
//! the caller reads the blob itself whenever loading or storing fails.

use std::path::Path;
use std::time::{Duration, SystemTime};

use bpf_policy::scope::OUR_ENTRIES;

use crate::state::StateDir;

/// First line of every cache file; bump the number when the content or `named` changes.
const MAGIC: &str = "bpf-policy maintainers-ours 1";
const PREFIX: &str = "maintainers-";
const SUFFIX: &str = ".ours";
/// Cache files kept at most (one per MAINTAINERS version in use).
pub(crate) const KEEP: usize = 4;

/// The cache file for the blob `id`; None for anything but a full lower-case hex id (so the
/// name can never leave the directory).
pub(crate) fn file_name(id: &str) -> Option<String> {
    is_id(id).then(|| format!("{PREFIX}{id}{SUFFIX}"))
}

fn is_id(id: &str) -> bool {
    matches!(id.len(), 40 | 64) && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A name this module gives its files (a temporary one of `StateDir::replace` included).
fn is_ours(name: &str) -> bool {
    let file = |n: &str| {
        n.strip_prefix(PREFIX)
            .and_then(|r| r.strip_suffix(SUFFIX))
            .is_some_and(is_id)
    };
    file(name) || is_temp(name)
}

fn is_temp(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.rsplit_once(".tmp"))
        .is_some_and(|(n, pid)| {
            !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit())
                && n.strip_prefix(PREFIX)
                    .and_then(|r| r.strip_suffix(SUFFIX))
                    .is_some_and(is_id)
        })
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn header(id: &str, text: &str) -> String {
    format!(
        "{MAGIC}\nblob {id}\nentries {}\nlength {}\nfnv1a64 {:016x}\n\n",
        OUR_ENTRIES.join(" "),
        text.len(),
        fnv1a64(text.as_bytes())
    )
}

/// A cache file's bytes for our entries `text` of blob `id`.
pub(crate) fn encode(id: &str, text: &str) -> Vec<u8> {
    let mut out = header(id, text).into_bytes();
    out.extend_from_slice(text.as_bytes());
    out
}

/// Our entries from a cache file's bytes, when they are a whole, intact file of this format
/// for blob `id`; else why not.
pub(crate) fn decode(bytes: &[u8], id: &str) -> Result<String, &'static str> {
    let end = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .ok_or("no header")?;
    let head = std::str::from_utf8(&bytes[..end]).map_err(|_| "not text")?;
    let body = &bytes[end + 2..];
    let mut lines = head.lines();
    if lines.next() != Some(MAGIC) {
        return Err("another format");
    }
    let mut field = |name: &str| {
        lines
            .next()
            .and_then(|l| l.strip_prefix(name))
            .and_then(|l| l.strip_prefix(' '))
    };
    if field("blob") != Some(id) {
        return Err("another MAINTAINERS version");
    }
    if field("entries") != Some(OUR_ENTRIES.join(" ").as_str()) {
        return Err("other entries");
    }
    if field("length").and_then(|n| n.parse::<usize>().ok()) != Some(body.len()) {
        return Err("cut short or overlong");
    }
    let sum = field("fnv1a64").and_then(|s| u64::from_str_radix(s, 16).ok());
    if sum != Some(fnv1a64(body)) || lines.next().is_some() {
        return Err("altered");
    }
    String::from_utf8(body.to_vec()).map_err(|_| "not text")
}

/// What loading found.
#[derive(Debug)]
pub(crate) enum Loaded {
    /// Our entries of this MAINTAINERS version, and the file's path (for `--verbose`).
    Hit(String, String),
    /// No cache file for it (or no state directory yet).
    Miss,
    /// There is one but it cannot be used; why (for `--verbose`).
    Unusable(String),
}

/// Our entries of blob `id` from the state directory of the repository at `common_dir`.
/// Never creates anything.
pub(crate) fn load(common_dir: &Path, id: &str) -> Loaded {
    let Some(name) = file_name(id) else {
        return Loaded::Unusable(format!("'{id}' is not a blob id"));
    };
    let dir = match StateDir::for_repo(common_dir, false) {
        Ok(Some(d)) => d,
        Ok(None) => return Loaded::Miss,
        Err(e) => return Loaded::Unusable(e.to_string()),
    };
    match dir.read(&name) {
        Ok(None) => Loaded::Miss,
        Ok(Some(bytes)) => match decode(&bytes, id) {
            Ok(text) => Loaded::Hit(text, dir.path().join(&name).display().to_string()),
            Err(why) => Loaded::Unusable(format!(
                "{} is not usable ({why})",
                dir.path().join(&name).display()
            )),
        },
        Err(e) => Loaded::Unusable(e.to_string()),
    }
}

/// Keep our entries `text` of blob `id`, replacing whatever has the name, and remove the
/// oldest of our other cache files beyond [`KEEP`]. Returns the file's path.
pub(crate) fn store(common_dir: &Path, id: &str, text: &str) -> Result<String, String> {
    let name = file_name(id).ok_or_else(|| format!("'{id}' is not a blob id"))?;
    let dir = StateDir::for_repo(common_dir, true)
        .map_err(|e| e.to_string())?
        .ok_or("no state directory")?;
    dir.replace(&name, &encode(id, text))
        .map_err(|e| e.to_string())?;
    prune(&dir, &name);
    Ok(dir.path().join(&name).display().to_string())
}

/// Remove our cache files beyond [`KEEP`] (oldest first) and temporary files a killed run
/// left (older than a minute: a newer one may be another run's, about to be renamed).
/// Anything not named as ours stays; a failure only leaves a file behind.
fn prune(dir: &StateDir, current: &str) {
    let Ok(names) = dir.names() else { return };
    let now = SystemTime::now();
    let mut others: Vec<(SystemTime, String)> = Vec::new();
    for n in names.into_iter().filter(|n| is_ours(n) && n != current) {
        let Ok(Some(t)) = dir.modified(&n) else {
            continue;
        };
        if is_temp(&n) {
            if now.duration_since(t).unwrap_or_default() > Duration::from_secs(60) {
                let _ = dir.remove_file(&n);
            }
            continue;
        }
        others.push((t, n));
    }
    others.sort();
    let extra = (others.len() + 1).saturating_sub(KEEP);
    for (_, n) in others.into_iter().take(extra) {
        let _ = dir.remove_file(&n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn round_trip_and_damage_is_detected() {
        let text = "BPF [GENERAL]\nM:\tA <a@example.org>\nF:\tkernel/bpf/\n";
        let bytes = encode(ID, text);
        assert_eq!(decode(&bytes, ID).as_deref(), Ok(text));
        assert_eq!(decode(&encode(ID, ""), ID).as_deref(), Ok(""));
        // Another blob's file.
        let other = ID.replace('0', "f");
        assert!(decode(&bytes, &other).is_err());
        // Cut short, anywhere.
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], ID).is_err(), "cut at {cut}");
        }
        // One byte of the text changed.
        let mut altered = bytes.clone();
        let last = altered.len() - 2;
        altered[last] ^= 1;
        assert_eq!(decode(&altered, ID), Err("altered"));
        // Text appended.
        let mut longer = bytes.clone();
        longer.extend_from_slice(b"F:\tnet/\n");
        assert!(decode(&longer, ID).is_err());
        // Another format version.
        let v2 =
            String::from_utf8_lossy(&bytes).replacen(MAGIC, "bpf-policy maintainers-ours 2", 1);
        assert_eq!(decode(v2.as_bytes(), ID), Err("another format"));
        assert!(decode(b"garbage", ID).is_err());
    }

    #[test]
    fn at_most_keep_files_the_oldest_go_first() -> Result<(), Box<dyn std::error::Error>> {
        let t = tempfile::tempdir()?;
        let dir = StateDir::for_repo(t.path(), true)?.ok_or("no state directory")?;
        let base = SystemTime::now() - Duration::from_secs(3600);
        let id = |n: u8| format!("{:040x}", n);
        let age = |name: &str, secs: u64| -> std::io::Result<()> {
            std::fs::File::options()
                .write(true)
                .open(t.path().join("bpf-policy").join(name))?
                .set_modified(base + Duration::from_secs(secs))
        };
        for n in 1..=KEEP as u8 {
            store(t.path(), &id(n), "X\nF:\tx/\n")?;
            // The first stored is the newest: age does not follow the order of the names.
            age(&format!("maintainers-{}.ours", id(n)), 100 - u64::from(n))?;
        }
        let stale_tmp = format!(".maintainers-{}.ours.tmp77", id(9));
        dir.create_file(&stale_tmp, b"half")?;
        age(&stale_tmp, 0)?;
        dir.create_file("maintainers-notes", b"someone else's")?;
        store(t.path(), &id(200), "Y\nF:\ty/\n")?;
        let names = dir.names()?;
        let cached: Vec<&String> = names.iter().filter(|n| n.ends_with(".ours")).collect();
        assert_eq!(cached.len(), KEEP, "{names:?}");
        // The oldest (the last of the first KEEP) went, and the stale temporary file.
        assert!(!names.contains(&format!("maintainers-{}.ours", id(KEEP as u8))));
        assert!(names.contains(&format!("maintainers-{}.ours", id(1))));
        assert!(names.contains(&format!("maintainers-{}.ours", id(200))));
        assert!(!names.contains(&stale_tmp));
        assert!(names.contains(&"maintainers-notes".to_owned()));
        assert!(matches!(load(t.path(), &id(200)), Loaded::Hit(ref s, _) if s == "Y\nF:\ty/\n"));
        Ok(())
    }

    #[test]
    fn names_stay_inside_and_only_ours_are_pruned() {
        assert_eq!(
            file_name(ID).as_deref(),
            Some("maintainers-0123456789abcdef0123456789abcdef01234567.ours")
        );
        for bad in ["../x", "", "0123", &ID.to_uppercase(), &format!("{ID}/..")] {
            assert_eq!(file_name(bad), None, "{bad}");
        }
        assert!(is_ours(&format!("maintainers-{ID}.ours")));
        assert!(is_ours(&format!(".maintainers-{ID}.ours.tmp123")));
        for other in [
            "sent.log",
            "sendemail",
            "maintainers-x.ours",
            ".maintainers-.tmp1",
        ] {
            assert!(!is_ours(other), "{other}");
        }
    }
}
