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
use bpf_policy::scope::OUR_ENTRIES;
use bpf_policy::tree::Tree;

use crate::{MaintainersRead, Repo, infer, libgit, ours_cache};

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

fn at(read: &MaintainersRead) -> MaintainersAt<'_> {
    match read {
        Ok(Some(m)) => MaintainersAt::Parsed(m),
        Ok(None) => MaintainersAt::Absent,
        Err(e) => MaintainersAt::Unreadable(e),
    }
}

impl Repo {
    /// The id of HEAD's MAINTAINERS blob, looked up once; the blob itself is not read.
    fn maintainers_id(&self) -> Result<Option<&str>, &str> {
        self.maintainers_id
            .get_or_init(|| {
                self.either(
                    |r| Ok(libgit::head_file_id(r, "MAINTAINERS")?),
                    |c| c.head_file_id("MAINTAINERS"),
                )
                .map_err(|e| e.to_string())
            })
            .as_ref()
            .map(Option::as_deref)
            .map_err(String::as_str)
    }

    /// Our entries of MAINTAINERS at HEAD (`scope::OUR_ENTRIES`): from the cache when it
    /// holds this MAINTAINERS version, else picked from the whole file (then kept in the
    /// cache). Any trouble with the cache only costs the read of the whole file; what
    /// happened is noted for `--verbose`.
    fn read_our_entries(&self) -> (MaintainersRead, Option<String>) {
        let from_whole = |note: Option<String>| match self.maintainers_parsed() {
            MaintainersAt::Parsed(m) => (Ok(Some(m.named(OUR_ENTRIES))), note),
            MaintainersAt::Absent => (Ok(None), note),
            MaintainersAt::Unreadable(e) => (Err(e.to_owned()), note),
        };
        // Read whole already (the recipients rules asked first): nothing left to save.
        if self.maintainers_parsed.get().is_some() {
            return from_whole(None);
        }
        // No MAINTAINERS, or HEAD cannot be read: the whole-file path says so.
        let Ok(Some(id)) = self.maintainers_id() else {
            return from_whole(None);
        };
        let common = self.common_dir();
        let short = bpf_policy::repo::short_id(id);
        let unusable = match ours_cache::load(&common, id) {
            ours_cache::Loaded::Hit(text, path) => {
                return (
                    Ok(Some(Maintainers::from_text(text))),
                    Some(format!(
                        "MAINTAINERS {short}: the BPF/NETWORKING/XDP entries from {path}"
                    )),
                );
            }
            ours_cache::Loaded::Miss => None,
            ours_cache::Loaded::Unusable(why) => Some(why),
        };
        let (ours, _) = from_whole(None);
        let Ok(Some(m)) = &ours else {
            return (ours, unusable);
        };
        let mut note = match ours_cache::store(&common, id, m.text()) {
            Ok(path) => format!(
                "MAINTAINERS {short}: the BPF/NETWORKING/XDP entries read from the file, kept in {path}"
            ),
            Err(e) => format!(
                "MAINTAINERS {short}: the BPF/NETWORKING/XDP entries read from the file (cannot keep them: {e})"
            ),
        };
        if let Some(why) = unusable {
            note.push_str(&format!("; the cache was not used: {why}"));
        }
        (ours, Some(note))
    }

    /// What became of the cache of our MAINTAINERS entries in this run (used, written, or
    /// why not), once scope detection has asked for them; for `--verbose`.
    pub fn maintainers_cache_note(&self) -> Option<&str> {
        self.our_entries.get()?.1.as_deref()
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
        let parsed =
            self.maintainers_parsed.get_or_init(|| {
                // HEAD's tree is what the patch applies to; the working copy may differ.
                let bytes = match self.maintainers_id() {
                    Ok(Some(id)) => self
                        .either(|r| Ok(libgit::blob(r, id)?), |c| c.blob(id))
                        .map(Some)
                        .map_err(|e| e.to_string()),
                    Ok(None) => Ok(None),
                    Err(e) => Err(e.to_owned()),
                };
                bytes
                    .map(|found| {
                        found.map(|bytes| {
                            Maintainers::from_text(String::from_utf8(bytes).unwrap_or_else(|e| {
                                String::from_utf8_lossy(e.as_bytes()).into_owned()
                            }))
                        })
                    })
                    .map_err(|e| format!("cannot read MAINTAINERS from HEAD: {e}"))
            });
        at(parsed)
    }

    fn our_entries(&self) -> Option<MaintainersAt<'_>> {
        Some(at(&self
            .our_entries
            .get_or_init(|| self.read_our_entries())
            .0))
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
