//! `bpf-policy`: check patch files, mboxes, commit messages and commit ranges against the BPF
//! submission policy; list and explain the rules.

mod check;
mod explain;
mod hook;
mod manual;
mod recipients;
mod sent;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit statuses, shared with the hooks (`bpf_policy::exit`).
pub use bpf_policy::exit::{OK as EXIT_OK, UNUSABLE as EXIT_UNUSABLE, VIOLATION as EXIT_VIOLATION};

#[derive(Debug, Parser)]
#[command(
    name = "bpf-policy",
    version,
    about = "Check Linux BPF patches against the BPF subsystem's submission policy",
    long_about = "Check Linux BPF patches against the BPF subsystem's submission policy \
(Documentation/bpf/bpf_devel_QA.rst): target tree in the subject, Fixes: tags, commit \
message, sign-offs, stable Cc, cover letters and whole-series resends.\n\n\
Exit status: 0 no errors (warnings allowed), 1 at least one error, 2 unusable input or environment."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check commit message files, patch emails, mboxes, directories of patches or a commit range.
    Check(CheckArgs),
    /// List every rule: id, default severity, summary.
    Rules,
    /// Explain a rule: what it checks, why (policy section), how to fix it, an example.
    Explain {
        /// The rule id, as `bpf-policy rules` lists it.
        #[arg(value_parser = manual::Offer(manual::rule_ids), hide_possible_values = true)]
        rule: String,
    },
    /// Run one of the git hooks (commit-msg, pre-push, sendemail-validate) the way git would;
    /// for hook managers such as pre-commit.
    #[command(
        long_about = "Run one of the git hooks (commit-msg, pre-push, sendemail-validate) the way \
git would: the arguments (and for pre-push, standard input) go to the hook unchanged. For hook \
managers such as pre-commit (see .pre-commit-hooks.yaml).\n\n\
For pre-push under pre-commit (PRE_COMMIT set) with no arguments, the remote and the refs \
come from pre-commit's PRE_COMMIT_* variables, as git push or pre-commit run --hook-stage \
pre-push --from-ref A --to-ref B sets them: pre-commit has already consumed what git wrote on \
standard input.\n\n\
The hook programs are looked for next to this executable (where install.sh puts them), then \
on PATH."
    )]
    Hook {
        /// Which hook.
        #[arg(value_enum)]
        hook: hook::HookName,
        /// What git passes the hook: the message file (commit-msg), the remote's name and URL
        /// (pre-push), the email file and the SMTP header file (sendemail-validate).
        #[arg(
            value_name = "ARG",
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        args: Vec<std::ffi::OsString>,
    },
    /// List the series sendemail-validate let through from this repository (the send log),
    /// or drop one with --forget (a send that failed after validation).
    Sent {
        /// Drop the postings of this series: its number in the list, or its title.
        #[arg(long, value_name = "SERIES")]
        forget: Option<String>,
        /// The repository (default: the one the current directory is in).
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
    },
    /// Print who must receive the patches: MAINTAINERS' lists, maintainers and reviewers for
    /// their files, and the authors of the commits their Fixes: tags name.
    #[command(
        long_about = "Print who must receive the patches, one address per line: the lists, \
maintainers and reviewers the repository's MAINTAINERS (at HEAD) names for the files and keywords \
of the patches, as scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats finds them \
(linux-kernel@vger.kernel.org aside), the target tree's list, and the authors of the commits \
their Fixes: tags name. The patches given are one series.\n\n\
--to prints the lists, --cc the people. As git's per-patch commands:\n\n\
  git config sendemail.toCmd 'bpf-policy recipients --to'\n\
  git config sendemail.ccCmd 'bpf-policy recipients --cc'\n\n\
Exit status: 0, or 2 with a message when there is no MAINTAINERS to read or a patch cannot be read."
    )]
    Recipients(recipients::RecipientsArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on standard output.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Show the manual page bpf-policy(1), rules included, or write it and one page per
    /// subcommand into a directory.
    #[command(
        long_about = "Show the manual page bpf-policy(1), rules included: on a terminal \
through man -l - (and so your pager); piped or redirected, its roff source. With --out-dir, \
write it and one page per subcommand into a directory instead."
    )]
    Man {
        /// Write bpf-policy.1 and bpf-policy-SUBCOMMAND.1 into this directory instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

/// How inputs are read.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum AsArg {
    /// Decide per file: patch email (or mbox) vs commit message.
    #[default]
    Auto,
    /// A commit message.
    Message,
    /// A patch email or an mbox.
    Email,
}

/// Output format.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum FormatArg {
    /// For people: rustc-like, coloured on a terminal.
    #[default]
    Human,
    /// One JSON object per diagnostic per line.
    Json,
    /// checkpatch --terse style, for `b4 prep --check`.
    Checkpatch,
}

/// When to colour.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files to check: commit messages, patch emails, mboxes, directories (their *.patch files as
    /// one series) or - for standard input. The emails given together form one series.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check the commits of a range (A..B) of the repository instead of files.
    #[arg(long, value_name = "REV_RANGE", conflicts_with = "paths")]
    pub range: Option<String>,
    /// How to read the inputs.
    #[arg(long = "as", value_enum, default_value_t)]
    pub as_: AsArg,
    /// The target tree (bpf, bpf-next, net, net-next, iproute2, iproute2-next); overrides
    /// config and inference.
    #[arg(long, value_name = "TREE", value_parser = manual::Offer(manual::tree_names), hide_possible_values = true)]
    pub tree: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: FormatArg,
    /// The repository to use for config, tree inference and Fixes: verification.
    #[arg(long, value_name = "DIR", conflicts_with = "no_repo")]
    pub repo: Option<PathBuf>,
    /// Use no repository (and no git config): check the text alone.
    #[arg(long)]
    pub no_repo: bool,
    /// Set a rule's severity for this run: RULE=error|warning|note|off (repeatable).
    #[arg(long = "severity", short = 'W', value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorArg,
    /// Also judge the emails against the repository's send log, as sendemail-validate does
    /// (repost-too-soon, version-sequence).
    #[arg(long)]
    pub sent_log: bool,
    /// Say which repository, tree (and where it came from) and config were used.
    #[arg(long, short)]
    pub verbose: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_UNUSABLE
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules => {
            print_out(&explain::rules_table());
            EXIT_OK
        }
        Command::Explain { rule } => match explain::explain(&rule) {
            Ok(text) => {
                print_out(&text);
                EXIT_OK
            }
            Err(msg) => {
                say(format_args!("{msg}"));
                EXIT_UNUSABLE
            }
        },
        Command::Hook { hook, args } => hook::run(hook, &args),
        Command::Sent { forget, repo } => sent::run(repo.as_deref(), forget.as_deref()),
        Command::Recipients(args) => recipients::run(&args),
        Command::Completions { shell } => {
            print_out(&manual::completions(shell));
            EXIT_OK
        }
        Command::Man { out_dir } => manual::run(out_dir.as_deref()),
    };
    ExitCode::from(code)
}

/// A message for the user on standard error, prefixed with the program's name. Whatever it
/// quotes (paths, rule ids, input) has its control characters escaped, as diagnostics do.
pub fn say(msg: std::fmt::Arguments<'_>) {
    eprintln!(
        "bpf-policy: {}",
        bpf_policy::render::terminal_safe_lines(&msg.to_string())
    );
}

/// Write to stdout, ignoring a closed pipe (`bpf-policy rules | head`).
pub fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Whether to colour standard output.
pub fn use_color(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => bpf_policy::render::auto_color(&std::io::stdout()),
    }
}
