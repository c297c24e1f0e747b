//! git's commit-msg hook: check the message git is about to record. Never changes the file.
//!
//! The message is judged as git will record it: cleaned up the way this `git commit` cleans
//! it (see `invocation`), with the files of the commit being made (the index against HEAD,
//! or against HEAD's parent for `--amend`) for the rules that ask for them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bpf_policy::email::MAX_ITEM_BYTES;
use bpf_policy::input::InputError;
use bpf_policy::message::{CommentChar, Message, is_scissors, resolve_comment, split_lines};
use bpf_policy::rules::Scope;
use bpf_policy::{Diagnostic, Item, Severity};
use bpf_policy_hooks::invocation::{self, FileHints, Reading};
use bpf_policy_hooks::{
    EXIT_OK, EXIT_UNUSABLE, EXIT_VIOLATION, explain_scope, not_installed_here, open_session,
    quote_path, read_input, report, say,
};
use bpf_policy_repo::{PendingCommit, Repo, Session};

const HOOK: &str = "commit-msg";

/// Where a blocked `git commit -v` message is saved without the diff, in the git directory.
const CLEANED: &str = "BPF_POLICY_EDITMSG";

fn main() -> ExitCode {
    ExitCode::from(run())
}

fn run() -> u8 {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        say(
            HOOK,
            "usage: bpf-policy-commit-msg <message-file> (git passes it)",
        );
        return EXIT_UNUSABLE;
    };
    let Some(bytes) = read_input(HOOK, &path) else {
        return EXIT_UNUSABLE;
    };
    let mut session = open_session(HOOK);
    if not_installed_here(HOOK, session.repo.as_ref()) {
        return EXIT_OK;
    }
    if let Some(r) = &session.repo
        && merge_in_progress(r.git_dir())
    {
        return EXIT_OK; // merges carry git's own message; no message rules apply
    }
    let origin = path.display().to_string();
    let refused = if bytes.contains(&0) {
        Some(InputError::Binary)
    } else if bytes.len() > MAX_ITEM_BYTES {
        Some(InputError::TooLarge(bytes.len()))
    } else {
        None
    };
    if let Some(e) = refused {
        say(HOOK, format_args!("{origin}: {e}"));
        return EXIT_UNUSABLE;
    }
    let text = String::from_utf8_lossy(&bytes);
    let lossy = matches!(text, std::borrow::Cow::Owned(_));
    let raw = split_lines(&text, 1);
    let comment = resolve_comment(&session.comment_char(), &raw);

    let args = invocation::commit_args();
    let hints = FileHints::read(&raw, comment.as_deref());
    let cleanup = args.as_ref().and_then(|a| a.cleanup.clone()).or_else(|| {
        session
            .repo
            .as_ref()
            .and_then(|r| r.config_value("commit.cleanup"))
            .map(str::to_owned)
    });
    // git sets GIT_EDITOR=: for hooks when it opens no editor; a user's own GIT_EDITOR=:
    // looks the same, so ':' alone does not settle it.
    let editor = args
        .as_ref()
        .map(|a| a.editor)
        .or_else(|| (std::env::var_os("GIT_EDITOR").is_none_or(|e| e != ":")).then_some(true));
    let readings = invocation::readings(
        cleanup.as_deref(),
        editor,
        args.as_ref().map(|a| a.verbose),
        hints,
    );
    // Without the command line, whether this is an amend is left to the repository to tell
    // from the index, and only if a rule asks for the commit's files (a walk of the index).
    let amend = args.as_ref().map(|a| a.amend);
    if let Some(r) = session.repo.as_mut() {
        r.expect_commit(match amend {
            Some(true) => PendingCommit::Amend,
            Some(false) => PendingCommit::New,
            None => PendingCommit::Either,
        });
    }

    // The message as each possible reading records it; a reading in which git aborts the
    // commit itself (nothing left) records nothing and needs no judging.
    let mut judged: Vec<(Reading, Item)> = Vec::new();
    for reading in readings {
        let lines = reading.apply(&raw, comment.as_deref());
        if reading.aborts(&lines) {
            continue;
        }
        let mut message = Message::from_lines(lines, &CommentChar::None);
        message.lossy = lossy;
        judged.push((reading, Item::from_parsed_message(origin.clone(), message)));
    }
    if judged.is_empty() {
        return EXIT_OK; // git aborts an empty commit itself, with its own message
    }
    // b4 records its cover letter as an empty commit of its own (with EDITME until written);
    // it is checked when the series is sent. A commit that changes files is a patch.
    if judged.iter().any(|(_, i)| i.is_cover) {
        if index_unchanged(&session, amend) {
            return EXIT_OK;
        }
        for (_, item) in &mut judged {
            item.is_cover = false;
        }
    }
    // With no target tree, whether the commit is BPF or netdev work at all depends on its
    // files (POLICY.md, Scope), so they are listed first; otherwise only a rule that needs
    // them asks (fixes-required's selftests/docs exemption, through RepoFacts).
    if session.tree.is_none()
        && let Some(Ok(files)) = session.repo.as_ref().and_then(Repo::pending_files_result)
    {
        for (_, item) in &mut judged {
            item.files = Some(files.clone());
        }
    }
    if let Some((_, first)) = judged.first() {
        explain_scope(HOOK, &session, std::slice::from_ref(first));
    }
    // Series rules (selftests with verifier changes, ...) judge a whole series, which one
    // commit is not; they run at push and send time.
    let found: Vec<(Reading, Vec<Diagnostic>)> = judged
        .iter()
        .map(|(r, item)| {
            (
                *r,
                session.check_scoped(std::slice::from_ref(item), Scope::Items),
            )
        })
        .collect();
    let diags = merge_readings(found);
    if let Some(Err(e)) = session.repo.as_ref().and_then(Repo::pending_files_result) {
        say(
            HOOK,
            format_args!(
                "warning: cannot list the files of this commit ({e}); selftest-only exemptions are off"
            ),
        );
    }
    if report(&diags, 1) {
        let amend = amending(&session, amend);
        advise(
            &session,
            &path,
            &text,
            comment.as_deref(),
            &judged,
            amend,
            &diags,
        );
        return EXIT_VIOLATION;
    }
    EXIT_OK
}

/// Whether the commit being made changes nothing (index tree equal to HEAD's): b4's cover
/// commit. Files that cannot be listed count as changes.
fn index_unchanged(session: &Session, amend: Option<bool>) -> bool {
    let Some(repo) = &session.repo else {
        return false;
    };
    if amend == Some(false) {
        repo.pending_files_result()
            .is_some_and(|r| r.as_ref().is_ok_and(Vec::is_empty))
    } else {
        repo.staged_files().is_ok_and(|f| f.is_empty())
    }
}

/// Whether git is amending HEAD: as its command line said, else (see
/// [`PendingCommit::Either`]) when the index equals HEAD's tree.
fn amending(session: &Session, amend: Option<bool>) -> bool {
    amend.unwrap_or_else(|| {
        session
            .repo
            .as_ref()
            .is_some_and(|r| r.has_commit("HEAD") && r.staged_files().is_ok_and(|f| f.is_empty()))
    })
}

/// One reading: its findings. Several (git's choice could not be told): an error blocks
/// only when every reading has it; one that depends on the reading is shown as a warning
/// saying when it would apply.
fn merge_readings(mut found: Vec<(Reading, Vec<Diagnostic>)>) -> Vec<Diagnostic> {
    if found.len() == 1 {
        return found.pop().map(|(_, d)| d).unwrap_or_default();
    }
    let key = |d: &Diagnostic| (d.rule, d.line, d.message.clone());
    let mut out: Vec<Diagnostic> = Vec::new();
    for (reading, diags) in &found {
        for d in diags {
            if out.iter().any(|o| key(o) == key(d)) {
                continue;
            }
            let in_all = found
                .iter()
                .all(|(_, ds)| ds.iter().any(|o| key(o) == key(d)));
            let mut d = d.clone();
            if d.severity == Severity::Error && !in_all {
                d.severity = Severity::Warning;
                d.message = format!("{} ({})", d.message, reading.describe());
            }
            out.push(d);
        }
    }
    out
}

/// Say how to commit again: with the message kept where git left it, or, when git would cut
/// it at the scissors line (`git commit -v`), with a copy that stops there, since a commit
/// made again with `-F` keeps whatever follows the line.
fn advise(
    session: &Session,
    path: &Path,
    text: &str,
    comment: Option<&str>,
    judged: &[(Reading, Item)],
    amend: bool,
    diags: &[Diagnostic],
) {
    let git_dir = session.repo.as_ref().map(Repo::git_dir);
    let cut = judged.iter().any(|(r, _)| r.cut);
    let mut saved = absolute(path);
    if cut
        && let (Some(c), Some(dir)) = (comment, git_dir)
        && let Some(end) = scissors_offset(text, c)
    {
        match save_copy(&dir.join(CLEANED), &text[..end]) {
            Ok(p) => saved = p,
            Err(e) => say(
                HOOK,
                format_args!(
                    "warning: cannot save the message without the diff ({e}); remove the lines from the scissors line on before using it"
                ),
            ),
        }
    }
    let signoff = diags
        .iter()
        .any(|d| d.severity == Severity::Error && d.rule == "signoff-missing");
    let command = format!(
        "git commit{}{} -e -F {}",
        if amend { " --amend" } else { "" },
        if signoff { " -s" } else { "" },
        quote_path(&saved)
    );
    let rebasing =
        git_dir.is_some_and(|d| d.join("rebase-merge").is_dir() || d.join("rebase-apply").is_dir());
    let then = if rebasing {
        "\n  then continue with: git rebase --continue"
    } else {
        ""
    };
    say(
        HOOK,
        format_args!(
            "commit blocked. Your message is kept in {0}; fix it and commit again with\n    {command}{then}\n  or, to commit anyway on purpose: git commit{1} --no-verify",
            quote_path(&saved),
            if amend { " --amend" } else { "" },
        ),
    );
}

/// The byte offset of the first scissors line.
fn scissors_offset(text: &str, comment: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n').trim_end_matches('\r');
        if is_scissors(bare, comment) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// Write `content` to `dest` through a new file renamed over it: an existing file or
/// symlink there is replaced, never followed (create_new is O_CREAT|O_EXCL, which refuses
/// any existing path, a link included).
fn save_copy(dest: &Path, content: &str) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = dest.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    let written = f.write_all(content.as_bytes()).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, dest)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(absolute(dest))
}

fn merge_in_progress(git_dir: &Path) -> bool {
    git_dir.join("MERGE_HEAD").exists()
}

/// git reuses COMMIT_EDITMSG for the next commit; say where the message is in a form the
/// user can pass back (absolute, since hooks run at the top of the worktree).
fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}
