//! bpf-policy's own files in a git directory (send-email runs in progress, the send log), kept
//! so that a co-worker sharing the repository can neither read them nor make us write or
//! delete anywhere else.
//!
//! Every directory is opened once with `O_NOFOLLOW | O_DIRECTORY` and checked (a real
//! directory, owned by us); everything inside is then reached through that open descriptor
//! (`/proc/self/fd/N/name`, which resolves to the directory opened, not to whatever the path
//! names by now), with `O_NOFOLLOW` on the last component. So a symlink planted anywhere under
//! the state directory, or swapped in after the check, is refused, never followed. Directories
//! are made 0700 and files 0600 with `O_EXCL`, whatever the umask or `core.sharedRepository`.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why bpf-policy's state could not be used. Each message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// A symbolic link where a state directory or file should be.
    #[error(
        "{} is a symbolic link, which bpf-policy did not make and will not follow; remove it \
         (rm '{}') and check who planted it",
        .0.display(), .0.display()
    )]
    Symlink(PathBuf),
    /// Another user owns it.
    #[error(
        "{} belongs to uid {owner}, not to you (uid {me}); bpf-policy will not use it. Remove it \
         if it is not yours to keep",
        .path.display()
    )]
    NotOurs {
        /// The entry.
        path: PathBuf,
        /// Its owner.
        owner: u32,
        /// The current user.
        me: u32,
    },
    /// Something other than a directory (or regular file) is in the way.
    #[error(
        "{} is not a {want}; bpf-policy keeps its state there: move it away",
        .path.display()
    )]
    WrongKind {
        /// The entry.
        path: PathBuf,
        /// What it should be.
        want: &'static str,
    },
    /// The operating system refused.
    #[error(
        "cannot use {}: {source}; make the git directory writable for you (or send with \
         --no-validate to skip every check)",
        .path.display()
    )]
    Io {
        /// The entry.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// No /proc to learn who we are.
    #[error("cannot tell which user this is (/proc/self/status: {0}); bpf-policy needs /proc")]
    NoProc(std::io::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
    move |source| StateError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The effective uid of this process, from /proc (no `unsafe` for getuid here).
pub fn current_uid() -> Result<u32, StateError> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(StateError::NoProc)?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            StateError::NoProc(std::io::Error::new(ErrorKind::InvalidData, "no Uid: line"))
        })
}

/// A directory of ours, held open.
#[derive(Debug)]
pub struct StateDir {
    fd: File,
    /// Its path, for messages only (never used to reach it again).
    path: PathBuf,
    uid: u32,
}

impl StateDir {
    /// bpf-policy's directory in the repository's git directory (the common one for linked
    /// worktrees): `bpf-policy` when the git directory is the current user's, else
    /// `bpf-policy-<uid>` (a shared repository: each member keeps their own). Created when
    /// `create` and absent.
    pub fn for_repo(common_dir: &Path, create: bool) -> Result<Option<StateDir>, StateError> {
        let uid = current_uid()?;
        let git_dir = File::open(common_dir).map_err(io(common_dir))?;
        let owner = git_dir.metadata().map_err(io(common_dir))?.uid();
        let name = if owner == uid {
            "bpf-policy".to_owned()
        } else {
            format!("bpf-policy-{uid}")
        };
        let top = StateDir {
            fd: git_dir,
            path: common_dir.to_owned(),
            uid: owner,
        };
        if create {
            top.subdir(&name, uid).map(Some)
        } else {
            top.existing_subdir(&name, uid)
        }
    }

    /// Where this directory is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path that reaches `name` inside the directory held open, whatever has been
    /// renamed or swapped since.
    fn at(&self, name: &str) -> PathBuf {
        PathBuf::from(format!("/proc/self/fd/{}", self.fd.as_raw_fd())).join(name)
    }

    fn shown(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The subdirectory `name`, made 0700 when absent.
    pub fn child(&self, name: &str) -> Result<StateDir, StateError> {
        self.subdir(name, self.uid)
    }

    /// The subdirectory `name` when it exists.
    pub fn existing_child(&self, name: &str) -> Result<Option<StateDir>, StateError> {
        self.existing_subdir(name, self.uid)
    }

    fn subdir(&self, name: &str, uid: u32) -> Result<StateDir, StateError> {
        match DirBuilder::new().mode(0o700).create(self.at(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(&self.shown(name))(e)),
        }
        self.existing_subdir(name, uid)?
            .ok_or_else(|| io(&self.shown(name))(ErrorKind::NotFound.into()))
    }

    fn existing_subdir(&self, name: &str, uid: u32) -> Result<Option<StateDir>, StateError> {
        let shown = self.shown(name);
        let opened = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_DIRECTORY | libc::O_CLOEXEC)
            .open(self.at(name));
        let fd = match opened {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.classify(name, e, "directory")),
        };
        let meta = fd.metadata().map_err(io(&shown))?;
        if meta.uid() != uid {
            return Err(StateError::NotOurs {
                path: shown,
                owner: meta.uid(),
                me: uid,
            });
        }
        if meta.mode() & 0o077 != 0 {
            // Ours, but made by an older version or another umask: close it to others.
            fd.set_permissions(std::fs::Permissions::from_mode(0o700))
                .map_err(io(&shown))?;
        }
        Ok(Some(StateDir {
            fd,
            path: shown,
            uid,
        }))
    }

    /// Turn an open error into what to fix: a symlink (ELOOP) or something else in the way.
    fn classify(&self, name: &str, e: std::io::Error, want: &'static str) -> StateError {
        let shown = self.shown(name);
        match std::fs::symlink_metadata(self.at(name)) {
            Ok(m) if m.file_type().is_symlink() => StateError::Symlink(shown),
            Ok(m) if (want == "directory") != m.is_dir() => {
                StateError::WrongKind { path: shown, want }
            }
            _ => io(&shown)(e),
        }
    }

    /// Create `name` (it must not exist) with `bytes`, mode 0600.
    pub fn create_file(&self, name: &str, bytes: &[u8]) -> Result<(), StateError> {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(self.at(name))
            .map_err(|e| self.classify(name, e, "file"))?;
        f.write_all(bytes).map_err(io(&self.shown(name)))
    }

    /// Append `bytes` to `name`, creating it 0600.
    pub fn append(&self, name: &str, bytes: &[u8]) -> Result<(), StateError> {
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(self.at(name))
            .map_err(|e| self.classify(name, e, "file"))?;
        self.check_file(name, &f)?;
        f.write_all(bytes).map_err(io(&self.shown(name)))
    }

    /// Replace `name` with `bytes` at once (a temporary file renamed over it).
    pub fn replace(&self, name: &str, bytes: &[u8]) -> Result<(), StateError> {
        let tmp = format!(".{name}.tmp{}", std::process::id());
        let _ = std::fs::remove_file(self.at(&tmp));
        self.create_file(&tmp, bytes)?;
        std::fs::rename(self.at(&tmp), self.at(name)).map_err(|e| {
            let _ = std::fs::remove_file(self.at(&tmp));
            io(&self.shown(name))(e)
        })
    }

    /// The contents of `name`, or None when absent.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, StateError> {
        let mut f = match OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(self.at(name))
        {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.classify(name, e, "file")),
        };
        self.check_file(name, &f)?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).map_err(io(&self.shown(name)))?;
        Ok(Some(buf))
    }

    fn check_file(&self, name: &str, f: &File) -> Result<(), StateError> {
        let shown = self.shown(name);
        let meta = f.metadata().map_err(io(&shown))?;
        if !meta.is_file() {
            return Err(StateError::WrongKind {
                path: shown,
                want: "regular file",
            });
        }
        if meta.uid() != self.uid {
            return Err(StateError::NotOurs {
                path: shown,
                owner: meta.uid(),
                me: self.uid,
            });
        }
        Ok(())
    }

    /// Names of the entries, sorted.
    pub fn names(&self) -> Result<Vec<String>, StateError> {
        let mut v: Vec<String> = std::fs::read_dir(self.at("."))
            .map_err(io(&self.path))?
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        v.sort();
        Ok(v)
    }

    /// When the entry `name` was last modified (a link's own time, never its target's);
    /// None when absent.
    pub fn modified(&self, name: &str) -> Result<Option<std::time::SystemTime>, StateError> {
        match std::fs::symlink_metadata(self.at(name)) {
            Ok(m) => m.modified().map(Some).map_err(io(&self.shown(name))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&self.shown(name))(e)),
        }
    }

    /// Remove the entry `name` of this directory (a link is removed, never followed).
    pub fn remove_file(&self, name: &str) -> Result<(), StateError> {
        match std::fs::remove_file(self.at(name)) {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(io(&self.shown(name))(e)),
            _ => Ok(()),
        }
    }

    /// Remove the subdirectory `name` when it holds only files `ours` accepts (the names
    /// bpf-policy gives its files); anything else in it keeps it, untouched.
    pub fn remove_child(&self, name: &str, ours: impl Fn(&str) -> bool) -> Result<(), StateError> {
        let Some(dir) = self.existing_child(name)? else {
            return Ok(());
        };
        for entry in dir.names()? {
            if ours(&entry) {
                dir.remove_file(&entry)?;
            }
        }
        drop(dir);
        match std::fs::remove_dir(self.at(name)) {
            Ok(()) => Ok(()),
            // Someone else's file inside: it stays, and so does the directory.
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::DirectoryNotEmpty) => {
                Ok(())
            }
            Err(e) => Err(io(&self.shown(name))(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn refuses_links_and_keeps_what_is_not_ours() -> R {
        let t = tempfile::tempdir()?;
        let victim = t.path().join("victim");
        std::fs::create_dir(&victim)?;
        std::fs::write(victim.join("precious"), "x")?;
        std::os::unix::fs::symlink(&victim, t.path().join("bpf-policy"))?;
        let err = StateDir::for_repo(t.path(), true).err();
        assert!(matches!(err, Some(StateError::Symlink(_))), "{err:?}");
        std::fs::remove_file(t.path().join("bpf-policy"))?;

        let d = StateDir::for_repo(t.path(), true)?.ok_or("no dir")?;
        let mode = std::fs::metadata(t.path().join("bpf-policy"))?.mode();
        assert_eq!(mode & 0o777, 0o700);
        std::os::unix::fs::symlink(&victim, t.path().join("bpf-policy/run"))?;
        assert!(matches!(d.child("run"), Err(StateError::Symlink(_))));
        assert!(d.remove_child("run", |_| true).is_err());
        std::os::unix::fs::symlink(victim.join("precious"), t.path().join("bpf-policy/f"))?;
        assert!(matches!(d.append("f", b"y"), Err(StateError::Symlink(_))));
        assert!(matches!(d.read("f"), Err(StateError::Symlink(_))));
        assert!(d.create_file("f", b"y").is_err());
        assert_eq!(std::fs::read(victim.join("precious"))?, b"x");

        let run = d.child("real")?;
        run.create_file("a.eml", b"1")?;
        run.create_file("keep", b"2")?;
        d.remove_child("real", |n| n.ends_with(".eml"))?;
        assert!(t.path().join("bpf-policy/real/keep").exists());
        assert!(!t.path().join("bpf-policy/real/a.eml").exists());
        Ok(())
    }

    #[test]
    fn files_are_private() -> R {
        let t = tempfile::tempdir()?;
        let d = StateDir::for_repo(t.path(), true)?.ok_or("no dir")?;
        d.append("log", b"a\n")?;
        d.append("log", b"b\n")?;
        assert_eq!(d.read("log")?.as_deref(), Some(&b"a\nb\n"[..]));
        d.replace("log", b"c\n")?;
        assert_eq!(d.read("log")?.as_deref(), Some(&b"c\n"[..]));
        let mode = std::fs::metadata(t.path().join("bpf-policy/log"))?.mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(d.names()?, ["log"]);
        Ok(())
    }
}
