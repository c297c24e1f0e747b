//! One run of the rules against a repository: settings, target tree and repository facts,
//! gathered once and shared by the command and the hooks.

use bpf_policy::message::CommentChar;
use bpf_policy::rules::{Context, Scope, check_scoped};
use bpf_policy::scope::{ScopeDecision, Scoper};
use bpf_policy::sent::SendFacts;
use bpf_policy::tree::{Tree, TreeSource};
use bpf_policy::{Config, Diagnostic, Item};

use crate::{PushKind, PushTarget, Repo};

/// Settings, tree and repository for checking.
pub struct Session {
    /// The repository, when there is one.
    pub repo: Option<Repo>,
    /// Rule levels from git config (and any overrides applied after).
    pub config: Config,
    /// The target tree and where it came from.
    pub tree: Option<(Tree, TreeSource)>,
    /// Config entries that were ignored, and why.
    pub warnings: Vec<String>,
    /// For a push: where it goes and whether it is a submission.
    pub push: Option<(PushTarget, PushKind)>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("tree", &self.tree)
            .field("repo", &self.repo.is_some())
            .finish()
    }
}

impl Session {
    /// Gather settings. `use_config` false reads no git config at all (checks the text alone).
    pub fn new(repo: Option<Repo>, use_config: bool, explicit: Option<Tree>) -> Session {
        Session::build(repo, use_config, explicit, None)
    }

    /// Settings for a push to `target`: its URL's tree, when it names one, outranks
    /// `bpf-policy.tree`, and [`Session::push`] says whether errors block.
    pub fn for_push(repo: Repo, target: PushTarget) -> Session {
        Session::build(Some(repo), true, None, Some(target))
    }

    fn build(
        repo: Option<Repo>,
        use_config: bool,
        explicit: Option<Tree>,
        push: Option<PushTarget>,
    ) -> Session {
        let pairs = match (&repo, use_config) {
            (_, false) => Vec::new(),
            (Some(r), true) => r.policy_config(),
            (None, true) => crate::global_policy_config(),
        };
        let (config, warnings) =
            Config::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        // One inference, with everything it weighs: bpf-policy.tree as Config read it, and
        // the push's destination.
        let tree = match (&repo, use_config) {
            (Some(r), true) => r.infer(explicit, config.tree, push.as_ref()),
            _ => explicit
                .map(|t| (t, TreeSource::Explicit))
                .or_else(|| config.tree.map(|t| (t, TreeSource::Config))),
        };
        let push = push.map(|p| {
            let kind = p.kind(&config);
            (p, kind)
        });
        Session {
            repo,
            config,
            tree,
            warnings,
            push,
        }
    }

    /// The comment character commit messages use here.
    pub fn comment_char(&self) -> CommentChar {
        self.repo
            .as_ref()
            .map_or(CommentChar::Hash, Repo::comment_char)
    }

    /// Run every rule.
    pub fn check(&self, items: &[Item]) -> Vec<Diagnostic> {
        self.check_scoped(items, Scope::All)
    }

    /// What the rules know beyond the items: the tree and the repository.
    pub fn context(&self) -> Context<'_> {
        Context {
            tree: self.tree.as_ref().map(|(t, s)| (*t, s)),
            repo: self.repo.as_ref().map(Repo::facts),
            whole_send: false,
            send: None,
        }
    }

    /// Run item rules or series rules only.
    pub fn check_scoped(&self, items: &[Item], scope: Scope) -> Vec<Diagnostic> {
        check_scoped(items, &self.context(), &self.config, scope)
    }

    /// Run the series rules over everything one git send-email run carries (so a lone part
    /// of a series is a partial resend). `send` carries the send log, the clock and the
    /// target-tree check.
    pub fn check_whole_send(&self, items: &[Item], send: Option<&SendFacts>) -> Vec<Diagnostic> {
        let cx = Context {
            whole_send: true,
            send,
            ..self.context()
        };
        check_scoped(items, &cx, &self.config, Scope::Series)
    }

    /// Run every rule, the sending rules with `send` (`check --sent-log`).
    pub fn check_sending(&self, items: &[Item], send: &SendFacts) -> Vec<Diagnostic> {
        let cx = Context {
            send: Some(send),
            ..self.context()
        };
        check_scoped(items, &cx, &self.config, Scope::All)
    }

    /// Whether each item is BPF or netdev work, and why (POLICY.md, Scope), as the rules
    /// decide it; for `--verbose` and the hooks' notes.
    pub fn scope(&self, items: &[Item]) -> Vec<ScopeDecision> {
        let cx = self.context();
        Scoper::new(&cx).classify_series(items)
    }
}
