//! Why a repository question could not be answered: the one error type of this crate.

use std::path::PathBuf;

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
