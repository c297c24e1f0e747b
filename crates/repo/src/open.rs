//! Opening a repository the way git finds it from a directory, with the backend that can
//! read it.

use std::cell::{Cell, OnceCell, RefCell};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use git2::{ErrorClass, ErrorCode, Repository, RepositoryOpenFlags};

use crate::config::ConfigList;
use crate::gitcmd::GitCmd;
use crate::{Repo, RepoError, libgit};

fn normalize(p: &Path) -> PathBuf {
    p.components().collect()
}

pub(crate) fn env_path(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

impl Repo {
    /// Open the repository the way git would from `dir`: `GIT_DIR` (relative to `dir`, as
    /// with `git -C dir`), `GIT_WORK_TREE`, `GIT_COMMON_DIR` and `GIT_CEILING_DIRECTORIES`
    /// are honoured; otherwise the search goes upward from `dir`. Bare repositories and
    /// linked worktrees open too.
    pub fn open(dir: &Path) -> Result<Repo, RepoError> {
        Repo::discover(dir)?.ok_or_else(|| RepoError::NotARepository {
            dir: dir.to_owned(),
        })
    }

    /// Like [`Repo::open`], but `Ok(None)` when `dir` is in no repository.
    pub fn discover(dir: &Path) -> Result<Option<Repo>, RepoError> {
        if !dir.is_dir() {
            return Err(RepoError::Open {
                path: dir.to_owned(),
                reason: "no such directory".to_owned(),
            });
        }
        // Objects are only read here, from the user's own repository: re-hashing every one
        // (libgit2's default) was a fifth of a commit-msg run.
        git2::opts::strict_hash_verification(false);
        let git_dir_env = env_path("GIT_DIR");
        let opened = match &git_dir_env {
            // libgit2 ignores GIT_DIR when given a path; resolve it as git -C would.
            Some(gd) => Repository::open_ext(
                dir.join(gd),
                RepositoryOpenFlags::FROM_ENV
                    | RepositoryOpenFlags::NO_SEARCH
                    | RepositoryOpenFlags::NO_DOTGIT,
                std::iter::empty::<&std::ffi::OsStr>(),
            ),
            // git2 passes its own (empty) ceiling list, so libgit2 would not read the variable.
            None => {
                let ceilings: Vec<PathBuf> = env_path("GIT_CEILING_DIRECTORIES")
                    .map(|v| std::env::split_paths(&v).collect())
                    .unwrap_or_default();
                Repository::open_ext(dir, RepositoryOpenFlags::FROM_ENV, &ceilings)
            }
        };
        match opened {
            Ok(repo) => Repo::from_lib(repo).map(Some),
            Err(e) => {
                let not_found = e.code() == ErrorCode::NotFound
                    && e.class() == ErrorClass::Repository
                    && git_dir_env.is_none();
                match GitCmd::discover(dir) {
                    Ok(Some(found)) => {
                        Repo::from_cmd(found.cmd, found.shallow, e.message()).map(Some)
                    }
                    Ok(None) if not_found => Ok(None),
                    Ok(None) => Err(RepoError::Open {
                        path: dir.to_owned(),
                        reason: format!("libgit2: {}; git: not a git repository", e.message()),
                    }),
                    Err(RepoError::GitMissing { .. }) if not_found => Ok(None),
                    Err(RepoError::GitMissing { .. }) if e.code() == ErrorCode::Owner => {
                        Err(RepoError::Unsafe {
                            path: dir.to_owned(),
                        })
                    }
                    Err(RepoError::GitMissing { source }) => Err(RepoError::Open {
                        path: dir.to_owned(),
                        reason: format!(
                            "libgit2: {}; git, which might open it, cannot be run: {source}",
                            e.message()
                        ),
                    }),
                    Err(other) => Err(other),
                }
            }
        }
    }

    fn from_lib(repo: Repository) -> Result<Repo, RepoError> {
        let cmd = GitCmd {
            git_dir: normalize(repo.path()),
            work_tree: repo.workdir().map(normalize),
        };
        let config = match libgit::config(&repo) {
            Ok(c) => c,
            Err(lib) => cmd.config().map_err(|git| RepoError::Config {
                reason: format!("libgit2: {}; git: {git}", lib.message()),
            })?,
        };
        Ok(Repo {
            shallow: repo.is_shallow(),
            lib: Some(repo),
            cmd,
            fallback_reason: None,
            config: ConfigList(config),
            resolved: RefCell::default(),
            ancestry: RefCell::default(),
            long_walk: Cell::new(None),
            tags: OnceCell::new(),
            pending: None,
            pending_files: OnceCell::new(),
            maintainers_parsed: OnceCell::new(),
            maintainers_id: OnceCell::new(),
            our_entries: OnceCell::new(),
            mailmap: OnceCell::new(),
        })
    }

    fn from_cmd(cmd: GitCmd, shallow: bool, why: &str) -> Result<Repo, RepoError> {
        let config = cmd.config()?;
        Ok(Repo {
            lib: None,
            cmd,
            fallback_reason: Some(why.to_owned()),
            shallow,
            config: ConfigList(config),
            resolved: RefCell::default(),
            ancestry: RefCell::default(),
            long_walk: Cell::new(None),
            tags: OnceCell::new(),
            pending: None,
            pending_files: OnceCell::new(),
            maintainers_parsed: OnceCell::new(),
            maintainers_id: OnceCell::new(),
            our_entries: OnceCell::new(),
            mailmap: OnceCell::new(),
        })
    }
}
