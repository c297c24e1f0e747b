//! The facts `Fixes:` tags need, answered in batches: every id resolved in one pass (in
//! process through libgit2, or a fixed handful of git processes), every ancestry question in
//! one walk of history ([`crate::ancestry`]). Nothing here starts a process per tag.

use std::collections::HashMap;

use bpf_policy::repo::{AncestryQuery, Resolved};

use crate::{Repo, RepoError, ancestry, libgit};

fn is_full_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Repo {
    /// Resolve one abbreviated commit id (see [`Repo::resolve_batch`]).
    pub fn resolve(&self, id_prefix: &str) -> Resolved {
        self.resolve_batch(&[id_prefix])
            .pop()
            .unwrap_or_else(|| Resolved::Unavailable("no answer".to_owned()))
    }

    /// Whether `ancestor` is an ancestor of, or equal to, `descendant` (HEAD when None); one
    /// question of [`Repo::ancestors_batch`].
    pub fn is_ancestor(&self, ancestor: &str, descendant: Option<&str>) -> Option<bool> {
        self.ancestors_batch(&[AncestryQuery {
            ancestor,
            descendant,
        }])
        .pop()
        .flatten()
    }

    /// Resolve hexadecimal id prefixes (4 to 64 digits, any case), answers in order. Answers
    /// are kept for the life of the `Repo`.
    pub fn resolve_batch(&self, id_prefixes: &[&str]) -> Vec<Resolved> {
        let prefixes: Vec<String> = id_prefixes
            .iter()
            .map(|p| p.trim().to_ascii_lowercase())
            .collect();
        let valid =
            |p: &str| (4..=64).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit());
        let mut todo: Vec<&str> = prefixes
            .iter()
            .map(String::as_str)
            .filter(|p| valid(p) && !self.resolved.borrow().contains_key(*p))
            .collect();
        todo.sort_unstable();
        todo.dedup();
        if !todo.is_empty() {
            let answers = self.either(
                |repo| {
                    todo.iter()
                        .map(|p| match p.len() {
                            // Longer than a SHA-1 id: nothing in this SHA-1 repository has it.
                            41.. => Ok(None),
                            _ => Ok(libgit::resolve(repo, p)?),
                        })
                        .collect::<Result<Vec<_>, RepoError>>()
                },
                |cmd| cmd.resolve_all(&todo),
            );
            let mut cache = self.resolved.borrow_mut();
            match answers {
                Ok(list) => {
                    for (p, r) in todo.iter().zip(list) {
                        let r = r.unwrap_or_else(|| Resolved::Missing(self.missing_reason()));
                        cache.insert((*p).to_owned(), r);
                    }
                }
                Err(e) => {
                    // Not cached: a later call may succeed.
                    drop(cache);
                    let why = e.to_string();
                    return prefixes
                        .iter()
                        .zip(id_prefixes)
                        .map(|(p, raw)| match self.resolved.borrow().get(p) {
                            Some(r) => r.clone(),
                            None if !valid(p) => not_an_id(raw),
                            None => Resolved::Unavailable(why.clone()),
                        })
                        .collect();
                }
            }
        }
        let cache = self.resolved.borrow();
        prefixes
            .iter()
            .zip(id_prefixes)
            .map(|(p, raw)| cache.get(p).cloned().unwrap_or_else(|| not_an_id(raw)))
            .collect()
    }

    /// Answer every ancestry question with one walk of history; answers in order. `None`:
    /// HEAD is unborn, an id is unknown, or git failed.
    /// Answers are kept for the life of the `Repo` (a hook that runs the rules twice walks
    /// once).
    pub fn ancestors_batch(&self, queries: &[AncestryQuery<'_>]) -> Vec<Option<bool>> {
        let cache_key =
            |q: &AncestryQuery<'_>| (q.ancestor.to_owned(), q.descendant.map(str::to_owned));
        let mut todo: Vec<AncestryQuery<'_>> = queries
            .iter()
            .filter(|q| !self.ancestry.borrow().contains_key(&cache_key(q)))
            .copied()
            .collect();
        todo.sort_unstable_by_key(|q| (q.ancestor, q.descendant));
        todo.dedup();
        if !todo.is_empty() {
            match self.try_ancestors(&todo) {
                Ok(answers) => {
                    let mut cache = self.ancestry.borrow_mut();
                    for (q, a) in todo.iter().zip(answers) {
                        cache.insert(cache_key(q), a);
                    }
                }
                // Not kept: a later call may succeed.
                Err(_) => {
                    let cache = self.ancestry.borrow();
                    return queries
                        .iter()
                        .map(|q| cache.get(&cache_key(q)).copied().flatten())
                        .collect();
                }
            }
        }
        let cache = self.ancestry.borrow();
        queries
            .iter()
            .map(|q| cache.get(&cache_key(q)).copied().flatten())
            .collect()
    }

    fn try_ancestors(&self, queries: &[AncestryQuery<'_>]) -> Result<Vec<Option<bool>>, RepoError> {
        // Every revision named, as a full id: HEAD, descendants given by name, and targets.
        let mut full: HashMap<&str, Option<String>> = HashMap::new();
        for q in queries {
            for rev in [Some(q.ancestor), q.descendant] {
                let rev = rev.unwrap_or("HEAD");
                if !full.contains_key(rev) {
                    let id = if is_full_id(rev) {
                        Some(rev.to_ascii_lowercase())
                    } else if rev == "HEAD" {
                        self.either(
                            |r| Ok(libgit::head_commit(r)?.map(|o| o.to_string())),
                            |c| Ok(c.rev_commit("HEAD").ok()),
                        )?
                    } else {
                        self.either(
                            |r| Ok(libgit::rev_commit(r, rev).ok().map(|o| o.to_string())),
                            |c| Ok(c.rev_commit(rev).ok()),
                        )?
                    };
                    full.insert(rev, id);
                }
            }
        }
        let mut targets: Vec<&str> = full.values().filter_map(Option::as_deref).collect();
        targets.sort_unstable();
        targets.dedup();
        let times = self.either(
            |r| Ok(libgit::commit_times(r, &targets)?),
            |c| c.commit_times(&targets),
        )?;
        let mut pairs = Vec::new();
        let mut slots = Vec::with_capacity(queries.len());
        for q in queries {
            let a = full.get(q.ancestor).and_then(Option::as_deref);
            let d = full
                .get(q.descendant.unwrap_or("HEAD"))
                .and_then(Option::as_deref);
            let time = |id: Option<&str>| times.get(id?).copied();
            match (a, d, time(a), time(d)) {
                (Some(ancestor), Some(descendant), Some(time), Some(descendant_time)) => {
                    slots.push(Some(pairs.len()));
                    pairs.push(ancestry::Pair {
                        ancestor,
                        time,
                        descendant,
                        descendant_time,
                    });
                }
                _ => slots.push(None),
            }
        }
        let graph = self.has_commit_graph();
        let walked = ancestry::answer(&self.cmd, self.lib.as_ref().map(|r| (r, graph)), &pairs)?;
        // Without a commit-graph every commit is read and inflated; past this many that is
        // seconds a one-time `git commit-graph write` would save on each check.
        if !graph && walked.read >= LONG_WALK {
            self.long_walk
                .set(Some(self.long_walk.get().unwrap_or(0).max(walked.read)));
        }
        let answers = walked.answers;
        Ok(slots
            .into_iter()
            .map(|s| s.and_then(|i| answers.get(i).copied().flatten()))
            .collect())
    }
}

/// Commits an ancestry walk reads without a commit-graph before it is worth a hint: about
/// half a second at kernel scale (a 1M-commit walk took 13.5 s without one, 2.7 s with).
pub const LONG_WALK: usize = 50_000;

impl Repo {
    /// Whether git keeps a commit-graph here (one file, or a chain of them).
    fn has_commit_graph(&self) -> bool {
        self.lib.as_ref().is_some_and(|r| {
            let info = r.commondir().join("objects").join("info");
            info.join("commit-graph").is_file() || info.join("commit-graphs").is_dir()
        })
    }
}

fn not_an_id(raw: &str) -> Resolved {
    Resolved::Missing(format!(
        "'{raw}' is not an abbreviated commit id (4 to 40 hexadecimal digits)"
    ))
}
