//! git's commit-msg hook: check the message about to be recorded. Never touches the file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bpf_policy::input::{As, InputError, read_items};
use bpf_policy::rules::Scope;
use bpf_policy_hooks::{
    EXIT_OK, EXIT_UNUSABLE, EXIT_VIOLATION, explain_scope, open_session, read_input, report, say,
};

const HOOK: &str = "commit-msg";

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
    let session = open_session(HOOK);
    if let Some(r) = &session.repo
        && merge_in_progress(r.git_dir())
    {
        return EXIT_OK; // merges carry git's own message; no message rules apply
    }
    let origin = path.display().to_string();
    let mut items = match read_items(&origin, &bytes, As::Message, &session.comment_char()) {
        Ok(items) => items,
        // git aborts an empty commit itself, with its own message.
        Err(InputError::Empty | InputError::OnlyComments) => return EXIT_OK,
        Err(e) => {
            say(HOOK, format_args!("{origin}: {e}"));
            return EXIT_UNUSABLE;
        }
    };
    // b4 records its cover letter as a commit of its own (with EDITME until written); it is
    // checked when the series is sent, not while b4 makes it.
    if items.iter().any(|i| i.is_cover) {
        return EXIT_OK;
    }
    // Listing staged files costs a walk of the index against HEAD (large in a kernel tree).
    // With no target tree, whether the commit is BPF or netdev work at all depends on them
    // (POLICY.md, Scope), so they are listed first; otherwise only the selftests/docs
    // exemption of fixes-required needs them, and only when it fired.
    let files_first = session.tree.is_none();
    let attach = |items: &mut Vec<bpf_policy::Item>| -> bool {
        let Some(r) = &session.repo else { return false };
        match r.staged_files() {
            Ok(files) => {
                for item in items.iter_mut() {
                    item.files = Some(files.clone());
                }
                true
            }
            Err(e) => {
                say(
                    HOOK,
                    format_args!(
                        "warning: cannot list the staged files ({e}); selftest-only exemptions are off"
                    ),
                );
                false
            }
        }
    };
    if files_first {
        attach(&mut items);
    }
    explain_scope(HOOK, &session, &items);
    // Series rules (selftests with verifier changes, ...) judge a whole series, which one
    // commit is not; they run at push and send time.
    let mut diags = session.check_scoped(&items, Scope::Items);
    if !files_first && diags.iter().any(|d| d.rule == "fixes-required") && attach(&mut items) {
        diags = session.check_scoped(&items, Scope::Items);
    }
    if report(&diags, items.len()) {
        let saved = saved_message_path(&path);
        say(
            HOOK,
            format_args!(
                "commit blocked. Your message is kept in {0}; fix it and commit again with\n    git commit -e -F '{0}'\n  or, to commit anyway on purpose: git commit --no-verify",
                saved.display()
            ),
        );
        return EXIT_VIOLATION;
    }
    EXIT_OK
}

fn merge_in_progress(git_dir: &Path) -> bool {
    git_dir.join("MERGE_HEAD").exists()
}

/// git reuses COMMIT_EDITMSG for the next commit; say where the message is in a form the
/// user can pass back (absolute, since hooks run at the top of the worktree).
fn saved_message_path(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}
