//! [`RepoFacts`] for [`Repo`]: the answers the rules ask a repository for (`Fixes:`
//! resolution and ancestry, reach into release tags and tree branches, MAINTAINERS at HEAD,
//! the pending commit's files, authors and .mailmap).

use bpf_policy::item::{FileChange, Ident};
use bpf_policy::mailmap::Mailmap;
use bpf_policy::maintainers::Maintainers;
use bpf_policy::repo::{
    AncestryQuery, MaintainersAt, Reach, RepoFacts, Resolved, is_kernel_tags, release_tag,
    release_version,
};
use bpf_policy::tree::Tree;

use crate::gitcmd::GitCmd;
use crate::{Repo, infer, libgit};

impl Repo {
    pub(crate) fn missing_reason(&self) -> String {
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

    fn long_walk(&self) -> Option<usize> {
        self.long_walk.get()
    }

    fn mailmap(&self) -> Option<&Mailmap> {
        self.mailmap
            .get_or_init(|| {
                // HEAD's, like MAINTAINERS: the tree the patch applies to. Unreadable is
                // treated as absent: addresses are then compared as committed, which only
                // makes fixes-author-cc ask for the old address too.
                let found = self
                    .either(
                        |r| Ok(libgit::head_file(r, ".mailmap")?),
                        |c| c.head_file(".mailmap"),
                    )
                    .ok()
                    .flatten()?;
                Some(Mailmap::parse(&String::from_utf8_lossy(&found.1)))
            })
            .as_ref()
    }

    fn head_blobs(&self, paths: &[&str], max_bytes: u64) -> Result<Vec<Option<Vec<u8>>>, String> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        self.either(
            |r| Ok(libgit::head_blobs(r, paths, max_bytes)?),
            |c| c.head_blobs(paths, max_bytes),
        )
        .map_err(|e| format!("cannot read files from HEAD: {e}"))
    }

    fn commit_author(&self, id: &str) -> Option<Ident> {
        self.either(|r| Ok(libgit::author(r, id)?), |c| c.author(id))
            .ok()
            .flatten()
    }
}
