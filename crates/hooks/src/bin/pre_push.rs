//! git's pre-push hook: check every commit about to reach the remote.
//!
//! git passes the remote's name and URL as arguments and one line per ref on stdin:
//! `<local ref> <local id> <remote ref> <remote id>`. Every line is read (git expects the hook
//! to drain stdin), then the commits each ref would add to the remote are checked as one range.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use bpf_policy::item::Item;
use bpf_policy_hooks::{EXIT_OK, EXIT_UNUSABLE, EXIT_VIOLATION, report, say};
use bpf_policy_repo::{PushUpdate, Repo, Session};

const HOOK: &str = "pre-push";

fn main() -> ExitCode {
    ExitCode::from(run())
}

fn run() -> u8 {
    let mut args = std::env::args().skip(1);
    let remote = args.next().unwrap_or_default();
    let url = args.next().unwrap_or_else(|| remote.clone());
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        say(
            HOOK,
            format_args!("cannot read the refs git is pushing: {e}"),
        );
        return EXIT_UNUSABLE;
    }
    let updates: Vec<PushUpdate> = match String::from_utf8_lossy(&input)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(PushUpdate::parse)
        .collect::<Result<_, _>>()
    {
        Ok(u) => u,
        Err(e) => {
            say(HOOK, e);
            return EXIT_UNUSABLE;
        }
    };
    if updates.iter().all(PushUpdate::is_delete) {
        return EXIT_OK;
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let repo = match Repo::discover(&cwd) {
        Ok(Some(r)) => r,
        Ok(None) => {
            say(HOOK, "not in a git repository; nothing to check");
            return EXIT_UNUSABLE;
        }
        Err(e) => {
            say(HOOK, format_args!("cannot open the repository: {e}"));
            return EXIT_UNUSABLE;
        }
    };
    let mut session = Session::new(Some(repo), true, None);
    for w in &session.warnings {
        say(HOOK, format_args!("warning: {w}"));
    }
    let Some(repo) = session.repo.as_ref() else {
        return EXIT_UNUSABLE;
    };
    let push_tree = repo.infer_push_tree(None, &remote, &url);
    let commits = match repo.pushed_commits(&remote, &updates) {
        Ok(c) => c,
        Err(e) => {
            say(
                HOOK,
                format_args!("cannot list the commits being pushed: {e}"),
            );
            return EXIT_UNUSABLE;
        }
    };
    // The push's inference runs the whole chain, with the remote being pushed to moved up.
    session.tree = push_tree;
    // b4's cover commit is not a patch and is not sent by a push.
    let items: Vec<Item> = commits
        .into_iter()
        .map(|c| Item::from_commit(&c.id, &c.message, c.author, c.files, c.parent_count))
        .filter(|i| !i.is_cover)
        .collect();
    if items.is_empty() {
        return EXIT_OK;
    }
    bpf_policy_hooks::explain_scope(HOOK, &session, &items);
    let diags = session.check(&items);
    if report(&diags, items.len()) {
        say(
            HOOK,
            format_args!(
                "push to {remote} blocked: fix the commits (git rebase -i), or push anyway on purpose with git push --no-verify"
            ),
        );
        return EXIT_VIOLATION;
    }
    EXIT_OK
}
