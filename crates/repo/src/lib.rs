//! git-backed repository facts for bpf-policy: `Fixes:` resolution, target-tree inference,
//! commit ranges for pre-push and `--range`, and the staged files of a commit in progress.
//!
//! Two backends sit behind [`Repo`]: libgit2 (in-process, fast) for the repositories it can
//! open, and the `git` command for the rest: SHA-256 object format and reftable refs (which
//! the libgit2 1.9 built here rejects), extensions it does not know, and repositories whose
//! ownership libgit2 refuses while git accepts them (`GIT_DIR` set by a hook, `SUDO_UID`).
//! A libgit2 failure on an opened repository (a split index, a corrupt pack) is retried
//! with the `git` command too, so callers never see which backend answered.

mod ancestry;
mod config;
mod fixes;
mod gitcmd;
mod infer;
mod libgit;
mod push;
mod sending;
mod session;
pub mod state;

pub use push::{BadPushLine, PushKind, PushTarget, PushUpdate};
pub use sending::{SentLog, now};
pub use session::Session;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use bpf_policy::item::{FileChange, Ident};
use bpf_policy::maintainers::Maintainers;
use bpf_policy::message::CommentChar;
use bpf_policy::prefix::tree_from_prefix_text;
use bpf_policy::repo::{
    AncestryQuery, MaintainersAt, Reach, RepoFacts, Resolved, is_kernel_tags, release_tag,
    release_version,
};
use bpf_policy::tree::{Tree, TreeSource};
use git2::{ErrorClass, ErrorCode, Repository, RepositoryOpenFlags};

use crate::config::ConfigList;
use crate::gitcmd::GitCmd;

/// How far back along HEAD's first-parent line b4's cover commit is looked for. netdev and
/// BPF series stay around 15 patches; the walk also stops at the first merge (the series
/// base). Every commit read here is paid by every hook run that has no bpf-policy.tree.
const B4_WALK_LIMIT: usize = 64;

/// Commits whose files libgit2 lists in process; above this, one `git diff-tree` process
/// does it faster (1,112 iproute2 commits: 120 ms of libgit2 against 35 ms of git).
const DIFFS_IN_PROCESS: usize = 64;

/// Why a repository question could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// Neither libgit2 nor git found a repository.
    #[error(
        "not a git repository: {} (nor any of its parents); run inside a clone or name the repository's directory",
        .dir.display()
    )]
    NotARepository {
        /// Where the search started.
        dir: PathBuf,
    },
    /// git's ownership check ("dubious ownership") rejected the repository.
    #[error(
        "git refuses to use the repository at {} because another user owns it; if you trust it, run: git config --global --add safe.directory {}",
        .path.display(), bpf_policy::shell::quote_path(.path)
    )]
    Unsafe {
        /// The repository's directory.
        path: PathBuf,
    },
    /// The repository exists but could not be opened.
    #[error("cannot open the git repository at {}: {reason}", .path.display())]
    Open {
        /// Where it was looked for.
        path: PathBuf,
        /// What libgit2 and git said.
        reason: String,
    },
    /// The configuration could not be read.
    #[error(
        "cannot read the git configuration: {reason} (`git config --list --show-origin` shows the files)"
    )]
    Config {
        /// What went wrong.
        reason: String,
    },
    /// A revision or range did not name commits of this repository.
    #[error("bad revision or range '{spec}': {reason} (give A..B, 'B ^A' or a single commit)")]
    BadRevision {
        /// The revision as given.
        spec: String,
        /// Why it was refused.
        reason: String,
    },
    /// A bare repository has no index.
    #[error(
        "the repository at {} is bare: it has no index, so nothing is staged",
        .path.display()
    )]
    Bare {
        /// Its git directory.
        path: PathBuf,
    },
    /// A git command failed.
    #[error("`git {args}` failed in {}: {stderr}", .dir.display())]
    Git {
        /// Its arguments.
        args: String,
        /// The git directory it ran for.
        dir: PathBuf,
        /// What it printed on stderr.
        stderr: String,
    },
    /// The git command could not be run.
    #[error("cannot run git ({source}); install git or put it on PATH")]
    GitMissing {
        /// Why spawning failed.
        source: std::io::Error,
    },
    /// libgit2 failed; the git command is tried next where there is one.
    #[error("libgit2: {0}")]
    Lib(#[from] git2::Error),
}

/// One commit of a range, with what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitData {
    /// Full hexadecimal id.
    pub id: String,
    /// The raw message.
    pub message: Vec<u8>,
    /// The author, as recorded (no mailmap).
    pub author: Ident,
    /// More than one: a merge.
    pub parent_count: usize,
    /// Files changed against the first parent (a root commit: against the empty tree),
    /// renames detected.
    pub files: Vec<FileChange>,
}

/// An ancestry question as cached: (ancestor, descendant or None for HEAD).
type AncestryKey = (String, Option<String>);

/// A git repository, read through libgit2 or the `git` command.
pub struct Repo {
    lib: Option<Repository>,
    cmd: GitCmd,
    fallback_reason: Option<String>,
    shallow: bool,
    config: ConfigList,
    resolved: RefCell<HashMap<String, Resolved>>,
    /// Ancestry answers by (ancestor, descendant or None for HEAD).
    ancestry: RefCell<HashMap<AncestryKey, Option<bool>>>,
    tags: OnceCell<Vec<String>>,
    /// MAINTAINERS at HEAD, read on first need: once per process (a sendemail-validate run
    /// asks only when the last email of the series arrives), and indexed only when a
    /// question needs the whole file (scope detection reads only our entries).
    maintainers_parsed: OnceCell<Result<Option<Maintainers>, String>>,
    /// Set by the commit-msg hook: the commit git is making, whose files rules may ask for.
    pending: Option<PendingCommit>,
    pending_files: OnceCell<Result<Vec<FileChange>, String>>,
}

/// The commit the index is about to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingCommit {
    /// A new commit on top of HEAD: its files are the index against HEAD.
    New,
    /// `git commit --amend` (also a reword during `rebase -i`): the commit replaces HEAD, so
    /// its files are the index against HEAD's parent.
    Amend,
    /// Not known which: git refuses a new commit that changes nothing before the hook runs
    /// (short of `--allow-empty`), so an index equal to HEAD's tree means an amend.
    Either,
}

impl fmt::Debug for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repo")
            .field("git_dir", &self.cmd.git_dir)
            .field("workdir", &self.cmd.work_tree)
            .field(
                "backend",
                &if self.lib.is_some() { "libgit2" } else { "git" },
            )
            .field("shallow", &self.shallow)
            .finish_non_exhaustive()
    }
}

fn normalize(p: &Path) -> PathBuf {
    p.components().collect()
}

fn env_path(name: &str) -> Option<OsString> {
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
            tags: OnceCell::new(),
            pending: None,
            pending_files: OnceCell::new(),
            maintainers_parsed: OnceCell::new(),
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
            tags: OnceCell::new(),
            pending: None,
            pending_files: OnceCell::new(),
            maintainers_parsed: OnceCell::new(),
        })
    }

    /// Run `lib` where libgit2 opened the repository; where it did not, or where `lib` failed
    /// inside libgit2, run `cmd`.
    fn either<T>(
        &self,
        lib: impl FnOnce(&Repository) -> Result<T, RepoError>,
        cmd: impl FnOnce(&GitCmd) -> Result<T, RepoError>,
    ) -> Result<T, RepoError> {
        let Some(repo) = &self.lib else {
            return cmd(&self.cmd);
        };
        match lib(repo) {
            Err(lib_err @ RepoError::Lib(_)) => match cmd(&self.cmd) {
                Err(RepoError::GitMissing { .. }) => Err(lib_err),
                other => other,
            },
            other => other,
        }
    }

    /// The git directory (for a linked worktree, its own one under `.git/worktrees/`).
    pub fn git_dir(&self) -> &Path {
        &self.cmd.git_dir
    }

    /// The repository's shared git directory: for a linked worktree the main one (its
    /// `commondir` file says where), else the git directory itself.
    pub fn common_dir(&self) -> PathBuf {
        let gd = self.git_dir();
        match std::fs::read_to_string(gd.join("commondir")) {
            Ok(c) if !c.trim().is_empty() => {
                let p = gd.join(c.trim_end_matches(['\n', '\r']));
                std::fs::canonicalize(&p).unwrap_or(p)
            }
            _ => gd.to_owned(),
        }
    }

    /// The top of the working tree; None for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.cmd.work_tree.as_deref()
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// Why libgit2 could not open the repository, when the `git` command serves it instead.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    /// `bpf-policy.*` settings from every scope git reads (system, global, repository,
    /// worktree, `git -c`), lowest precedence first, keys lowercased; a multi-valued key
    /// appears once per value; a key without `=` has the value `true`.
    pub fn policy_config(&self) -> Vec<(String, String)> {
        config::policy_entries(self.config.entries())
    }

    /// The value git uses for a single-valued setting (`commit.cleanup`); the key as git
    /// canonicalises it (section and name lower case).
    pub fn config_value(&self, key: &str) -> Option<&str> {
        self.config.last(&config::canonical_key(key))
    }

    /// `core.commentChar` / `core.commentString` (the one set last wins, as in git).
    pub fn comment_char(&self) -> CommentChar {
        match self
            .config
            .last_of(&["core.commentchar", "core.commentstring"])
        {
            None | Some("" | "#") => CommentChar::Hash,
            Some("auto") => CommentChar::Auto,
            Some(s) => CommentChar::Custom(s.to_owned()),
        }
    }

    /// The branch HEAD is on, without `refs/heads/`; during a rebase, the branch being
    /// rebased. None when detached otherwise.
    pub fn current_branch(&self) -> Option<String> {
        let head = self
            .either(|r| Ok(libgit::head_ref(r)?), |c| c.head_ref())
            .ok()
            .flatten()
            .or_else(|| {
                ["rebase-merge/head-name", "rebase-apply/head-name"]
                    .iter()
                    .find_map(|f| std::fs::read_to_string(self.git_dir().join(f)).ok())
                    .map(|s| s.trim().to_owned())
            })?;
        head.strip_prefix("refs/heads/").map(str::to_owned)
    }

    /// The target tree, first match wins: `explicit`; `bpf-policy.tree`; b4's tracking data;
    /// `format.subjectPrefix`; the upstream remote's URL or name; the upstream branch's or the
    /// current branch's name.
    pub fn infer_tree(&self, explicit: Option<Tree>) -> Option<(Tree, TreeSource)> {
        self.infer(explicit, self.configured_tree(), None)
    }

    /// [`Repo::infer_tree`] for a push: a URL that names a tree's repository is the
    /// destination and outranks `bpf-policy.tree`; a remote named after a tree decides right
    /// after `bpf-policy.tree`.
    pub fn infer_push_tree(
        &self,
        explicit: Option<Tree>,
        remote_name: &str,
        remote_url: &str,
    ) -> Option<(Tree, TreeSource)> {
        let push = PushTarget {
            name: remote_name.to_owned(),
            url: remote_url.to_owned(),
        };
        self.infer(explicit, self.configured_tree(), Some(&push))
    }

    /// `bpf-policy.tree` as [`bpf_policy::Config`] reads it (that parser owns the setting).
    fn configured_tree(&self) -> Option<Tree> {
        let pairs = self.policy_config();
        bpf_policy::Config::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .0
            .tree
    }

    /// The inference chain; `configured` is `bpf-policy.tree` as the caller's
    /// [`bpf_policy::Config`] read it.
    pub(crate) fn infer(
        &self,
        explicit: Option<Tree>,
        configured: Option<Tree>,
        push: Option<&PushTarget>,
    ) -> Option<(Tree, TreeSource)> {
        if let Some(t) = explicit {
            return Some((t, TreeSource::Explicit));
        }
        let remote = |t: Tree, p: &PushTarget| {
            (
                t,
                TreeSource::Remote {
                    name: p.name.clone(),
                    url: p.url.clone(),
                },
            )
        };
        if let Some(p) = push
            && let Some(t) = infer::tree_from_url(&p.url)
        {
            return Some(remote(t, p));
        }
        if let Some(t) = configured {
            return Some((t, TreeSource::Config));
        }
        if let Some(p) = push
            && let Some(t) = infer::tree_from_name(&p.name)
        {
            return Some(remote(t, p));
        }
        let branch = self.current_branch();
        if let Some(t) = self.b4_tree(branch.as_deref()) {
            return Some((t, TreeSource::B4Tracking));
        }
        if let Some(t) = self
            .config
            .last("format.subjectprefix")
            .and_then(tree_from_prefix_text)
        {
            return Some((t, TreeSource::FormatSubjectPrefix));
        }
        if let Some(remote) = self.upstream_remote(branch.as_deref()) {
            let url = self
                .config
                .last(&format!("remote.{remote}.url"))
                .unwrap_or_default();
            if let Some(t) = infer::tree_from_url(url).or_else(|| infer::tree_from_name(&remote)) {
                return Some((
                    t,
                    TreeSource::Remote {
                        name: remote,
                        url: url.to_owned(),
                    },
                ));
            }
        }
        let branch = branch?;
        if let Some(merge) = self.config.last(&format!("branch.{branch}.merge")) {
            let short = merge.strip_prefix("refs/heads/").unwrap_or(merge);
            if let Some(t) = infer::tree_from_name(short) {
                let shown = match self.config.last(&format!("branch.{branch}.remote")) {
                    Some(r) if r != "." => format!("{r}/{short}"),
                    _ => short.to_owned(),
                };
                return Some((t, TreeSource::Branch(shown)));
            }
        }
        infer::tree_from_name(&branch).map(|t| (t, TreeSource::Branch(branch)))
    }

    /// b4's tracking data for the current branch. b4 records how it keeps the cover letter
    /// (`branch.<name>.b4-prep-cover-strategy`) on every branch it prepares; only then is
    /// HEAD's first-parent line searched for its cover commit, so other branches pay nothing.
    /// The branch-description strategy keeps the data in `branch.<name>.b4-tracking`.
    fn b4_tree(&self, branch: Option<&str>) -> Option<Tree> {
        let branch = branch?;
        let strategy = self
            .config
            .last(&format!("branch.{branch}.b4-prep-cover-strategy"))?;
        if strategy == "branch-description" {
            let tracking = self.config.last(&format!("branch.{branch}.b4-tracking"))?;
            return infer::tree_from_b4_json(tracking);
        }
        let messages = self
            .either(
                |r| Ok(libgit::first_parent_messages(r, B4_WALK_LIMIT)?),
                |c| c.first_parent_messages(B4_WALK_LIMIT),
            )
            .unwrap_or_default();
        // b4 uses the newest cover; an older one further down belongs to another series.
        let json = messages.iter().find_map(|(_, m)| infer::b4_cover_json(m))?;
        infer::tree_from_b4_json(&json)
    }

    /// The remote of the branch's upstream, else `origin`, else the only remote.
    fn upstream_remote(&self, branch: Option<&str>) -> Option<String> {
        if let Some(b) = branch
            && let Some(r) = self.config.last(&format!("branch.{b}.remote"))
            && r != "."
        {
            return Some(r.to_owned());
        }
        let mut remotes: Vec<&str> = self
            .config
            .entries()
            .filter_map(|e| e.key.strip_prefix("remote.")?.strip_suffix(".url"))
            .collect();
        remotes.dedup();
        if remotes.contains(&"origin") {
            return Some("origin".to_owned());
        }
        match remotes.as_slice() {
            [only] => Some((*only).to_owned()),
            _ => None,
        }
    }

    /// Split a range into the revisions to include and to exclude, and whether it named one
    /// commit on its own.
    fn parse_range(spec: &str) -> Result<(Vec<String>, Vec<String>, bool), RepoError> {
        let bad = |reason: &str| RepoError::BadRevision {
            spec: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let (mut pos, mut neg) = (Vec::new(), Vec::new());
        let mut dotted = false;
        for tok in spec.split_whitespace() {
            if tok.contains("...") {
                return Err(bad(
                    "symmetric differences (A...B) are not supported; use A..B",
                ));
            }
            if let Some((a, b)) = tok.split_once("..") {
                dotted = true;
                neg.push(if a.is_empty() { "HEAD" } else { a }.to_owned());
                pos.push(if b.is_empty() { "HEAD" } else { b }.to_owned());
            } else if let Some(n) = tok.strip_prefix('^') {
                neg.push(n.to_owned());
            } else {
                pos.push(tok.to_owned());
            }
        }
        if pos.is_empty() {
            return Err(bad("no commit to start from"));
        }
        if pos
            .iter()
            .chain(&neg)
            .any(|r| r.is_empty() || r.starts_with('-'))
        {
            return Err(bad("a revision cannot be empty or start with '-'"));
        }
        let single = !dotted && neg.is_empty() && pos.len() == 1;
        Ok((pos, neg, single))
    }

    /// The commits of a range, oldest first (topological order), merges included:
    /// `A..B` (`A..` and `..B` mean HEAD on the missing side) and `B ^A` as git reads them; a
    /// single revision means that one commit.
    pub fn range(&self, spec: &str) -> Result<Vec<CommitData>, RepoError> {
        let (pos, neg, single) = Repo::parse_range(spec)?;
        self.either(
            |repo| {
                let ids = |revs: &[String]| {
                    revs.iter()
                        .map(|r| lib_rev(repo, r))
                        .collect::<Result<Vec<_>, _>>()
                };
                let (push, hide) = (ids(&pos)?, ids(&neg)?);
                if single {
                    return Ok(vec![libgit::commit_data(repo, push[0])?]);
                }
                self.commits_of(repo, &libgit::walk(repo, &push, &hide, &[])?)
            },
            |cmd| {
                let mut args = Vec::new();
                for r in &pos {
                    args.push(cmd.rev_commit(r)?);
                }
                if !neg.is_empty() {
                    args.push("--not".to_owned());
                    for r in &neg {
                        args.push(cmd.rev_commit(r)?);
                    }
                }
                cmd.commits(&args, single)
            },
        )
    }

    /// Commits reachable from `new` and from none of `exclude`, oldest first, for pre-push.
    /// `exclude` holds ids or ref names (those unknown here, and the all-zero id, are
    /// skipped) or ref globs such as `refs/remotes/origin/*`. The cost follows the number of
    /// commits listed, as long as `exclude` bounds them: with nothing to exclude it is the
    /// whole history of `new`.
    pub fn commits_between(
        &self,
        new: &str,
        exclude: &[String],
    ) -> Result<Vec<CommitData>, RepoError> {
        if new.is_empty() || new.starts_with('-') {
            return Err(RepoError::BadRevision {
                spec: new.to_owned(),
                reason: "not a revision".to_owned(),
            });
        }
        let is_glob = |s: &str| s.contains(['*', '?', '[']);
        let usable =
            |s: &&String| !s.is_empty() && !s.starts_with('-') && !s.bytes().all(|b| b == b'0');
        self.either(
            |repo| {
                let push = lib_rev(repo, new)?;
                let mut hide = Vec::new();
                let mut globs = Vec::new();
                for ex in exclude.iter().filter(usable) {
                    if is_glob(ex) {
                        globs.push(ex.clone());
                    } else if let Ok(id) = libgit::rev_commit(repo, ex) {
                        hide.push(id);
                    }
                }
                self.commits_of(repo, &libgit::walk(repo, &[push], &hide, &globs)?)
            },
            |cmd| {
                let mut args = vec!["--ignore-missing".to_owned(), cmd.rev_commit(new)?];
                args.push("--not".to_owned());
                for ex in exclude.iter().filter(usable) {
                    args.push(if is_glob(ex) {
                        format!("--glob={ex}")
                    } else {
                        ex.clone()
                    });
                }
                cmd.commits(&args, false)
            },
        )
    }

    /// The commits `ids` names, with their files. libgit2's tree diffs cost about six times
    /// git's, so beyond a handful of commits one `git diff-tree --stdin` lists the files of
    /// all (where git cannot run, libgit2 does it after all).
    fn commits_of(
        &self,
        repo: &Repository,
        ids: &[git2::Oid],
    ) -> Result<Vec<CommitData>, RepoError> {
        if ids.len() <= DIFFS_IN_PROCESS {
            return ids
                .iter()
                .map(|id| Ok(libgit::commit_data(repo, *id)?))
                .collect();
        }
        let mut heads = ids
            .iter()
            .map(|id| libgit::commit_head(repo, *id))
            .collect::<Result<Vec<_>, _>>()?;
        match self.cmd.fill_files(&mut heads) {
            Ok(()) => Ok(heads.into_iter().map(|(c, _)| c).collect()),
            Err(RepoError::GitMissing { .. }) => ids
                .iter()
                .map(|id| Ok(libgit::commit_data(repo, *id)?))
                .collect(),
            Err(e) => Err(e),
        }
    }

    /// Whether `rev` (an id, a ref name) names a commit, or a tag of one, present here.
    pub fn has_commit(&self, rev: &str) -> bool {
        if rev.is_empty() || rev.starts_with('-') {
            return false;
        }
        self.either(
            |repo| Ok(libgit::rev_commit(repo, rev).is_ok()),
            |cmd| Ok(cmd.rev_commit(rev).is_ok()),
        )
        .unwrap_or(false)
    }

    /// The ids of `refs/remotes/<remote>/*`, or of every remote-tracking ref when that remote
    /// has none (a push to a URL, a remote never fetched), for bounding a pre-push walk.
    /// Empty when the repository has no remote-tracking refs at all.
    pub fn remote_tracking_ids(&self, remote: &str) -> Vec<String> {
        let own = self.ref_ids(&format!("refs/remotes/{remote}/"));
        if own.is_empty() {
            self.ref_ids("refs/remotes/")
        } else {
            own
        }
    }

    /// Ids the refs below `prefix` (ending in `/`) point at, from the ref store only.
    fn ref_ids(&self, prefix: &str) -> Vec<String> {
        let mut ids = self
            .either(
                |repo| Ok(libgit::ref_ids(repo, prefix)?),
                |cmd| cmd.ref_ids(prefix),
            )
            .unwrap_or_default();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Files the index (`GIT_INDEX_FILE` when set, relative to the top of the working tree)
    /// changes against HEAD; with HEAD unborn every entry is Added.
    pub fn staged_files(&self) -> Result<Vec<FileChange>, RepoError> {
        self.index_files(PendingCommit::New)
    }

    /// Files the index changes against HEAD's parent (against nothing when HEAD is a root
    /// commit): the files of the commit `git commit --amend` makes.
    pub fn amended_files(&self) -> Result<Vec<FileChange>, RepoError> {
        self.index_files(PendingCommit::Amend)
    }

    fn index_files(&self, pending: PendingCommit) -> Result<Vec<FileChange>, RepoError> {
        let Some(workdir) = self.workdir() else {
            return Err(RepoError::Bare {
                path: self.git_dir().to_owned(),
            });
        };
        let env_index = env_path("GIT_INDEX_FILE").map(|p| workdir.join(p));
        if pending == PendingCommit::Either {
            let new = self.index_files(PendingCommit::New)?;
            if !new.is_empty() || !self.has_commit("HEAD") {
                return Ok(new);
            }
            return self.index_files(PendingCommit::Amend);
        }
        let amend = pending == PendingCommit::Amend;
        self.either(
            |repo| {
                let path = env_index
                    .clone()
                    .unwrap_or_else(|| self.git_dir().join("index"));
                Ok(libgit::staged(repo, &path, amend)?)
            },
            |cmd| cmd.staged(env_index.as_deref(), amend),
        )
    }

    /// Say which commit git is making (the commit-msg hook does), so that
    /// [`RepoFacts::pending_files`] can list its files when a rule asks.
    pub fn expect_commit(&mut self, pending: PendingCommit) {
        self.pending = Some(pending);
        self.pending_files = OnceCell::new();
    }

    /// The files of the commit in progress, listed on the first call; the error says why
    /// they could not be. None when no commit is expected.
    pub fn pending_files_result(&self) -> Option<&Result<Vec<FileChange>, String>> {
        let pending = self.pending?;
        Some(
            self.pending_files
                .get_or_init(|| self.index_files(pending).map_err(|e| e.to_string())),
        )
    }

    /// The commit a revision names (peeling tags); `Ok(None)` when it names a tree or a blob
    /// (or a tag of one); an error when the object is not here at all.
    pub fn commit_of(&self, rev: &str) -> Result<Option<String>, RepoError> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: "not a revision".to_owned(),
            });
        }
        self.either(
            |repo| {
                let obj = match repo.revparse_single(rev) {
                    Ok(o) => o,
                    Err(e) => return Err(lib_rev_error(rev, e)),
                };
                Ok(obj
                    .peel(git2::ObjectType::Commit)
                    .ok()
                    .map(|c| c.id().to_string()))
            },
            |cmd| cmd.commit_of(rev),
        )
    }

    /// The commits every remote-tracking ref and every tag point at (tags peeled; tags of
    /// trees and blobs left out), except the refs named in `except`: history already public.
    pub fn public_commit_ids(&self, except: &[&str]) -> Result<Vec<String>, RepoError> {
        let mut ids = self.either(
            |repo| Ok(libgit::public_commit_ids(repo, except)?),
            |cmd| cmd.public_commit_ids(except),
        )?;
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// This repository as the rules' [`RepoFacts`] (`Repo` implements it directly).
    pub fn facts(&self) -> &dyn RepoFacts {
        self
    }

    fn missing_reason(&self) -> String {
        if self.shallow {
            "not in this repository, which is a shallow clone: the commit may be older than \
             the fetched history (`git fetch --unshallow` lets it be checked)"
                .to_owned()
        } else {
            "not in this repository; it may be in a tree not fetched here (fetch bpf, \
             bpf-next, net, net-next or mainline to check it)"
                .to_owned()
        }
    }
}

/// A revision's commit through libgit2; names libgit2 cannot resolve are the caller's
/// mistake, not a reason to ask git.
fn lib_rev(repo: &Repository, rev: &str) -> Result<git2::Oid, RepoError> {
    libgit::rev_commit(repo, rev).map_err(|e| lib_rev_error(rev, e))
}

fn lib_rev_error(rev: &str, e: git2::Error) -> RepoError {
    match e.code() {
        ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::Ambiguous | ErrorCode::Peel => {
            RepoError::BadRevision {
                spec: rev.to_owned(),
                reason: e.message().to_owned(),
            }
        }
        _ => RepoError::Lib(e),
    }
}

impl RepoFacts for Repo {
    fn resolve_all(&self, id_prefixes: &[&str]) -> Vec<Resolved> {
        self.resolve_batch(id_prefixes)
    }

    fn ancestors(&self, queries: &[AncestryQuery<'_>]) -> Vec<Option<bool>> {
        self.ancestors_batch(queries)
    }

    fn pending_files(&self) -> Option<&[FileChange]> {
        self.pending_files_result()?.as_deref().ok()
    }

    fn b4_branch(&self) -> bool {
        self.current_branch().is_some_and(|b| {
            self.config
                .last(&format!("branch.{b}.b4-prep-cover-strategy"))
                .is_some()
        })
    }

    fn reach(&self, id: &str, tree: Tree) -> Reach {
        let tags = self.release_tags();
        // Mainline releases contain each other: the newest tag holds every released commit.
        let newest = is_kernel_tags(&tags)
            .then(|| {
                tags.iter()
                    .filter_map(|t| release_version(t).map(|v| (v, t)))
                    .max_by_key(|(v, _)| *v)
            })
            .flatten()
            .map(|(_, tag)| tag.clone());
        // Remote-tracking branches of the remotes that fetch the tree (by URL or by name).
        let mut remotes: Vec<&str> = self
            .config
            .entries()
            .filter_map(|e| {
                e.key
                    .strip_prefix("remote.")?
                    .strip_suffix(".url")
                    .map(|r| (r, e))
            })
            .filter(|(r, e)| {
                infer::tree_from_url(&e.value) == Some(tree)
                    || infer::tree_from_name(r) == Some(tree)
            })
            .map(|(r, _)| r)
            .collect();
        remotes.dedup();
        let branches: Vec<(&str, Vec<String>)> = remotes
            .into_iter()
            .map(|r| (r, self.ref_ids(&format!("refs/remotes/{r}/"))))
            .filter(|(_, ids)| !ids.is_empty())
            .collect();
        // Every question in one walk: the tag, then each branch.
        let tag_ref = newest.as_ref().map(|t| format!("refs/tags/{t}"));
        let mut queries: Vec<AncestryQuery<'_>> = tag_ref
            .iter()
            .map(|t| AncestryQuery {
                ancestor: id,
                descendant: Some(t),
            })
            .collect();
        for (_, ids) in &branches {
            queries.extend(ids.iter().map(|ref_id| AncestryQuery {
                ancestor: id,
                descendant: Some(ref_id),
            }));
        }
        let mut answers = self.ancestors_batch(&queries).into_iter();
        let release = newest.and_then(|tag| {
            answers
                .next()
                .flatten()
                .map(|inside| (inside, format!("mainline (up to tag {tag})")))
        });
        let mut tree_branch = None;
        for (r, ids) in &branches {
            // This remote's answers, all of them, so the next remote starts at its own.
            let got: Vec<Option<bool>> = answers.by_ref().take(ids.len()).collect();
            let inside = got.contains(&Some(true));
            let what = format!("the remote-tracking branches of '{r}' ({tree})");
            if inside {
                tree_branch = Some((true, what));
                break;
            }
            tree_branch.get_or_insert((false, what));
        }
        Reach {
            release,
            tree_branch,
        }
    }

    fn release_tags(&self) -> Vec<String> {
        self.tags
            .get_or_init(|| {
                self.either(|r| Ok(libgit::tag_names(r)?), |c| c.tag_names())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| release_tag(t).is_some())
                    .collect()
            })
            .clone()
    }

    fn maintainers_parsed(&self) -> MaintainersAt<'_> {
        let parsed = self.maintainers_parsed.get_or_init(|| {
            // HEAD's tree is what the patch applies to; the working copy may differ.
            self.either(
                |r| Ok(libgit::head_maintainers(r)?),
                GitCmd::head_maintainers,
            )
            .map(|found| {
                found.map(|(_, bytes)| {
                    Maintainers::from_text(
                        String::from_utf8(bytes)
                            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                    )
                })
            })
            .map_err(|e| format!("cannot read MAINTAINERS from HEAD: {e}"))
        });
        match parsed {
            Ok(Some(m)) => MaintainersAt::Parsed(m),
            Ok(None) => MaintainersAt::Absent,
            Err(e) => MaintainersAt::Unreadable(e),
        }
    }

    fn commit_author(&self, id: &str) -> Option<Ident> {
        self.either(|r| Ok(libgit::author(r, id)?), |c| c.author(id))
            .ok()
            .flatten()
    }
}

/// `bpf-policy.*` settings from the system and global config and `git -c`, for runs outside
/// any repository. Unreadable config files give an empty list.
pub fn global_policy_config() -> Vec<(String, String)> {
    config::global_entries()
        .map(|e| config::policy_entries(e.iter()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() -> Result<(), RepoError> {
        assert_eq!(
            Repo::parse_range("A..B")?,
            (vec!["B".into()], vec!["A".into()], false)
        );
        assert_eq!(
            Repo::parse_range("A..")?,
            (vec!["HEAD".into()], vec!["A".into()], false)
        );
        assert_eq!(
            Repo::parse_range("B ^A")?,
            (vec!["B".into()], vec!["A".into()], false)
        );
        assert_eq!(Repo::parse_range(" X ")?, (vec!["X".into()], vec![], true));
        assert!(Repo::parse_range("A...B").is_err());
        assert!(Repo::parse_range("^A").is_err());
        assert!(Repo::parse_range("--all").is_err());
        Ok(())
    }
}
