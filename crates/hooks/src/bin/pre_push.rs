//! git's pre-push hook: check every commit about to reach the remote.
//!
//! git passes the remote's name and URL as arguments and one line per ref on stdin:
//! `<local ref> <local id> <remote ref> <remote id>`. Every line is read (git expects the hook
//! to drain stdin), then the commits each ref would add to the remote are checked as one range.
//! Only submissions block (SPEC.md): pushes to a remote whose URL names a tree, or to one named
//! in `bpf-policy.pushRemote`; any other push is reported on and goes ahead.

use std::io::Read;
use std::process::ExitCode;

use bpf_policy::item::Item;
use bpf_policy_hooks::{
    EXIT_OK, EXIT_UNUSABLE, EXIT_VIOLATION, not_installed_here, open_push_session, report, say,
};
use bpf_policy_repo::{PushKind, PushTarget, PushUpdate};

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
    let target = PushTarget {
        name: remote.clone(),
        url,
    };
    let Some(session) = open_push_session(HOOK, target) else {
        return EXIT_UNUSABLE;
    };
    if not_installed_here(HOOK, session.repo.as_ref()) {
        return EXIT_OK;
    }
    let (Some(repo), Some((_, kind))) = (&session.repo, &session.push) else {
        return EXIT_UNUSABLE;
    };
    let blocks = kind.blocks();
    let commits = match repo.pushed_commits(&updates) {
        Ok(c) => c,
        Err(e) => {
            say(
                HOOK,
                format_args!("cannot list the commits being pushed: {e}"),
            );
            // A push that is not a submission would go ahead whatever was found.
            return if blocks { EXIT_UNUSABLE } else { EXIT_OK };
        }
    };
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
        if !blocks {
            say(
                HOOK,
                format_args!(
                    "push to {remote} not blocked: it is not a submission (its URL names no tree, and bpf-policy.pushRemote does not list it); fix these before sending"
                ),
            );
            return EXIT_OK;
        }
        let why = match kind {
            PushKind::TreeUrl => "its URL names a tree",
            PushKind::ByHand => "no remote named: checked as a submission",
            _ => "bpf-policy.pushRemote lists it",
        };
        say(
            HOOK,
            format_args!(
                "push to {remote} blocked ({why}): fix the commits (git rebase -i), or push anyway on purpose with git push --no-verify"
            ),
        );
        return EXIT_VIOLATION;
    }
    EXIT_OK
}
