//! The settings bpf-policy reads from git's configuration: `bpf-policy.*`, single values such
//! as `commit.cleanup`, and the comment character.

use bpf_policy::message::CommentChar;

use crate::{Repo, config};

impl Repo {
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
}

/// `bpf-policy.*` settings from the system and global config and `git -c`, for runs outside
/// any repository. Unreadable config files give an empty list.
pub fn global_policy_config() -> Vec<(String, String)> {
    config::global_entries()
        .map(|e| config::policy_entries(e.iter()))
        .unwrap_or_default()
}
