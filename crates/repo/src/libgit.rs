//! The libgit2 backend: SHA-1 repositories with the files ref backend that libgit2 can open.

use std::path::Path;

use bpf_policy::item::{ChangeStatus, FileChange, Ident};
use bpf_policy::repo::{CommitInfo, Resolved};
use git2::{
    Commit, Delta, Diff, DiffFindOptions, DiffOptions, ErrorCode, Index, ObjectType, Odb, Oid,
    Repository, Sort,
};

use crate::CommitData;
use crate::config::{Entry, command_line_entries, read_config};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lookups allowed when listing the objects of an ambiguous prefix: a 4-digit prefix in a
/// kernel-sized repository has a few hundred objects and needs about twice as many.
const ENUMERATE_BUDGET: usize = 20_000;

pub(crate) fn config(repo: &Repository) -> Result<Vec<Entry>, git2::Error> {
    let mut entries = read_config(&repo.config()?)?;
    entries.extend(command_line_entries());
    Ok(entries)
}

/// What HEAD points at (`refs/heads/x`), or None when detached.
pub(crate) fn head_ref(repo: &Repository) -> Result<Option<String>, git2::Error> {
    let head = repo.find_reference("HEAD")?;
    Ok(head
        .symbolic_target_bytes()
        .map(|t| String::from_utf8_lossy(t).into_owned()))
}

/// `prefix`: lowercase hex, 4 to 40 digits (checked by the caller).
pub(crate) fn resolve(repo: &Repository, prefix: &str) -> Result<Option<Resolved>, git2::Error> {
    let odb = repo.odb()?;
    let short = Oid::from_str(prefix)?;
    let ids = match odb.exists_prefix(short, prefix.len()) {
        Ok(oid) => vec![oid],
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
        Err(e) if e.code() == ErrorCode::Ambiguous => {
            // libgit2 only says "ambiguous"; list the candidates by narrowing the prefix one
            // digit at a time, which costs index lookups for the matching objects only.
            let mut ids = Vec::new();
            let mut budget = ENUMERATE_BUDGET;
            enumerate(&odb, prefix, &mut ids, &mut budget)?;
            ids.sort();
            ids.dedup();
            ids
        }
        Err(e) => return Err(e),
    };
    let mut commits: Vec<CommitInfo> = Vec::new();
    for id in &ids {
        if let Some(c) = peel_commit(repo, &odb, *id)?
            && !commits.iter().any(|k| k.id == c.id)
        {
            commits.push(c);
        }
    }
    Ok(Some(match ids.len() {
        1 => match commits.pop() {
            Some(c) => Resolved::Commit(c),
            None => Resolved::NotACommit,
        },
        _ => Resolved::Ambiguous(commits),
    }))
}

fn enumerate(
    odb: &Odb<'_>,
    prefix: &str,
    out: &mut Vec<Oid>,
    budget: &mut usize,
) -> Result<(), git2::Error> {
    for digit in HEX {
        if *budget == 0 {
            return Err(git2::Error::from_str(
                "too many objects share this prefix to list them",
            ));
        }
        *budget -= 1;
        let longer = format!("{prefix}{}", char::from(*digit));
        match odb.exists_prefix(Oid::from_str(&longer)?, longer.len()) {
            Ok(oid) => out.push(oid),
            Err(e) if e.code() == ErrorCode::NotFound => {}
            Err(e) if e.code() == ErrorCode::Ambiguous && longer.len() < 40 => {
                enumerate(odb, &longer, out, budget)?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The commit an object is or (for annotated tags) points at.
fn peel_commit(
    repo: &Repository,
    odb: &Odb<'_>,
    id: Oid,
) -> Result<Option<CommitInfo>, git2::Error> {
    let (_, kind) = odb.read_header(id)?;
    let commit = match kind {
        ObjectType::Commit => repo.find_commit(id)?,
        ObjectType::Tag => match repo.find_object(id, None)?.peel(ObjectType::Commit) {
            Ok(obj) => match obj.into_commit() {
                Ok(c) => c,
                Err(_) => return Ok(None),
            },
            Err(_) => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(Some(commit_info(&commit)))
}

fn commit_info(c: &Commit<'_>) -> CommitInfo {
    CommitInfo {
        id: c.id().to_string(),
        subject: c
            .summary_bytes()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default(),
    }
}

/// A revision (id, ref, `HEAD~2`, ...) peeled to its commit.
pub(crate) fn rev_commit(repo: &Repository, rev: &str) -> Result<Oid, git2::Error> {
    Ok(repo.revparse_single(rev)?.peel_to_commit()?.id())
}

/// Committer dates (seconds since the epoch) of these commits; ids not found are left out.
pub(crate) fn commit_times(
    repo: &Repository,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, i64>, git2::Error> {
    let mut times = std::collections::HashMap::new();
    for id in ids {
        match repo.find_commit(Oid::from_str(id)?) {
            Ok(c) => {
                times.insert((*id).to_owned(), c.time().seconds());
            }
            Err(e) if e.code() == ErrorCode::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(times)
}

/// HEAD's commit; None when HEAD is unborn.
pub(crate) fn head_commit(repo: &Repository) -> Result<Option<Oid>, git2::Error> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit()?.id())),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Names under refs/tags/ starting with `v`, read from the ref store only.
pub(crate) fn tag_names(repo: &Repository) -> Result<Vec<String>, git2::Error> {
    let mut names = Vec::new();
    for reference in repo.references_glob("refs/tags/v*")? {
        // A name that is not UTF-8 (a Latin-1 tag) is no release tag; it must not hide the
        // others, as an error here would.
        if let Ok(name) = std::str::from_utf8(reference?.name_bytes())
            && let Some(short) = name.strip_prefix("refs/tags/")
        {
            names.push(short.to_owned());
        }
    }
    Ok(names)
}

/// Ids the refs below `prefix` point at (symbolic refs followed); libgit2's ref globs let
/// `*` cross `/`.
pub(crate) fn ref_ids(repo: &Repository, prefix: &str) -> Result<Vec<String>, git2::Error> {
    let mut ids = Vec::new();
    for reference in repo.references_glob(&format!("{prefix}*"))? {
        let reference = reference?;
        if !reference.name_bytes().starts_with(prefix.as_bytes()) {
            continue;
        }
        if let Ok(direct) = reference.resolve()
            && let Some(id) = direct.target()
        {
            ids.push(id.to_string());
        }
    }
    Ok(ids)
}

/// The commits refs under refs/remotes/ and refs/tags/ peel to, except the refs named in
/// `except`; refs that peel to no commit (a tag of a tree) are left out.
pub(crate) fn public_commit_ids(
    repo: &Repository,
    except: &[&str],
) -> Result<Vec<String>, git2::Error> {
    let mut ids = Vec::new();
    for prefix in ["refs/remotes/", "refs/tags/"] {
        for reference in repo.references_glob(&format!("{prefix}*"))? {
            let reference = reference?;
            let name = reference.name_bytes();
            if !name.starts_with(prefix.as_bytes()) || except.iter().any(|e| e.as_bytes() == name) {
                continue;
            }
            if let Ok(commit) = reference.peel(ObjectType::Commit) {
                ids.push(commit.id().to_string());
            }
        }
    }
    Ok(ids)
}

/// Commits reachable from `push` and from none of `hide` / `hide_globs`, oldest first.
pub(crate) fn walk(
    repo: &Repository,
    push: &[Oid],
    hide: &[Oid],
    hide_globs: &[String],
) -> Result<Vec<Oid>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    for id in push {
        walk.push(*id)?;
    }
    for id in hide {
        walk.hide(*id)?;
    }
    // Not hide_glob: it looks every matching ref up again by name, a stat of the loose ref
    // and of packed-refs each, which for a kernel clone's ~1,000 tags cost more than the
    // walk. Iterating the refs once gives their targets (the peeled one, where packed-refs
    // records it); a target that is no commit (a tag of a tree) hides nothing.
    for glob in hide_globs {
        for reference in repo.references_glob(glob)? {
            let reference = reference?;
            let Some(id) = reference.target_peel().or_else(|| reference.target()) else {
                continue; // symbolic: its target is listed under its own name
            };
            match walk.hide(id) {
                Ok(()) => {}
                Err(e)
                    if matches!(
                        e.code(),
                        ErrorCode::Peel | ErrorCode::NotFound | ErrorCode::InvalidSpec
                    ) || e.class() == git2::ErrorClass::Object
                        || e.class() == git2::ErrorClass::Invalid => {}
                Err(e) => return Err(e),
            }
        }
    }
    walk.collect()
}

/// A commit without its files, and its first parent's id.
pub(crate) fn commit_head(
    repo: &Repository,
    id: Oid,
) -> Result<(CommitData, Option<String>), git2::Error> {
    let commit = repo.find_commit(id)?;
    let author = commit.author();
    Ok((
        CommitData {
            id: id.to_string(),
            message: commit.message_bytes().to_vec(),
            author: Ident {
                name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            },
            parent_count: commit.parent_count(),
            files: Vec::new(),
        },
        commit.parent_ids().next().map(|p| p.to_string()),
    ))
}

pub(crate) fn commit_data(repo: &Repository, id: Oid) -> Result<CommitData, git2::Error> {
    let commit = repo.find_commit(id)?;
    let parent_tree = match commit.parent_count() {
        0 => None,
        _ => Some(commit.parent(0)?.tree()?),
    };
    let tree = commit.tree()?;
    // libgit2's tree diff reads every entry of both trees, equal subtrees too: 12 ms a commit
    // in a kernel-sized tree where git takes well under one. The paths that differ are found
    // here first, skipping every subtree whose id did not change, and the diff (with its
    // rename detection) is asked about those paths alone.
    let mut changed = Vec::new();
    let listed = changed_paths(repo, parent_tree.as_ref(), Some(&tree), "", &mut changed)?;
    let mut opts = DiffOptions::new();
    opts.include_typechange(true);
    let files = if !listed {
        diff_files(repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))?)?
    } else if changed.is_empty() {
        Vec::new()
    } else {
        // Literal paths, not patterns: a file named `*.c` is that file.
        opts.disable_pathspec_match(true);
        for path in &changed {
            opts.pathspec(path);
        }
        diff_files(repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))?)?
    };
    let author = commit.author();
    Ok(CommitData {
        id: id.to_string(),
        message: commit.message_bytes().to_vec(),
        author: Ident {
            name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        },
        parent_count: commit.parent_count(),
        files,
    })
}

/// Every file path (not directory) whose entry differs between two trees, under `prefix`;
/// subtrees with the same id on both sides are not read. A side that is None is empty.
/// False when a name on the way is not UTF-8 and so cannot be given as a pathspec: the
/// caller then diffs the whole trees.
fn changed_paths(
    repo: &Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
    prefix: &str,
    out: &mut Vec<String>,
) -> Result<bool, git2::Error> {
    /// One entry: name, id, mode, whether it is a tree.
    type Entry = (Vec<u8>, Oid, i32, bool);
    let entries = |t: Option<&git2::Tree<'_>>| -> Vec<Entry> {
        t.map(|t| {
            t.iter()
                .map(|e| {
                    let tree = e.kind() == Some(ObjectType::Tree);
                    (e.name_bytes().to_vec(), e.id(), e.filemode(), tree)
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let old_entries = entries(old);
    let new_entries = entries(new);
    let by_name: std::collections::HashMap<&[u8], &Entry> =
        old_entries.iter().map(|e| (e.0.as_slice(), e)).collect();
    let path_of = |name: &[u8]| {
        std::str::from_utf8(name)
            .ok()
            .map(|n| format!("{prefix}{n}"))
    };
    // An entry only one side has: the file, or every file of the directory.
    let one_side = |e: &Entry, out: &mut Vec<String>| -> Result<bool, git2::Error> {
        let Some(path) = path_of(&e.0) else {
            return Ok(false);
        };
        if e.3 {
            let t = repo.find_tree(e.1)?;
            changed_paths(repo, None, Some(&t), &format!("{path}/"), out)
        } else {
            out.push(path);
            Ok(true)
        }
    };
    let new_names: std::collections::HashSet<&[u8]> =
        new_entries.iter().map(|e| e.0.as_slice()).collect();
    for e in &new_entries {
        let complete = match by_name.get(e.0.as_slice()) {
            None => one_side(e, out)?,
            Some(o) if o.1 == e.1 && o.2 == e.2 => true,
            // A file on one side and a directory on the other: both are changes.
            Some(o) if o.3 != e.3 => one_side(o, out)? && one_side(e, out)?,
            Some(o) => match path_of(&e.0) {
                None => false,
                Some(path) if e.3 => {
                    let (ot, nt) = (repo.find_tree(o.1)?, repo.find_tree(e.1)?);
                    changed_paths(repo, Some(&ot), Some(&nt), &format!("{path}/"), out)?
                }
                Some(path) => {
                    out.push(path);
                    true
                }
            },
        };
        if !complete {
            return Ok(false);
        }
    }
    for o in &old_entries {
        if !new_names.contains(o.0.as_slice()) && !one_side(o, out)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn diff_files(mut diff: Diff<'_>) -> Result<Vec<FileChange>, git2::Error> {
    // git log and git diff detect renames by default (diff.renames); copies they do not.
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        let status = match delta.status() {
            Delta::Added => ChangeStatus::Added,
            Delta::Deleted => ChangeStatus::Deleted,
            Delta::Renamed | Delta::Copied => ChangeStatus::Renamed,
            Delta::Modified | Delta::Typechange | Delta::Conflicted | Delta::Unreadable => {
                ChangeStatus::Modified
            }
            Delta::Unmodified | Delta::Ignored | Delta::Untracked => continue,
        };
        let file = if status == ChangeStatus::Deleted {
            delta.old_file()
        } else {
            delta.new_file()
        };
        if let Some(path) = file.path_bytes() {
            out.push(FileChange {
                path: String::from_utf8_lossy(path).into_owned(),
                status,
            });
        }
    }
    Ok(out)
}

/// The index at `index_path` compared with HEAD's tree (none when HEAD is unborn), or with
/// HEAD's parent's tree for an amend (none when HEAD is a root commit).
pub(crate) fn staged(
    repo: &Repository,
    index_path: &Path,
    amend: bool,
) -> Result<Vec<FileChange>, git2::Error> {
    let index = Index::open(index_path)?;
    let head_tree = match repo.head() {
        Ok(head) if amend => {
            let commit = head.peel_to_commit()?;
            match commit.parent_count() {
                0 => None,
                _ => Some(commit.parent(0)?.tree()?),
            }
        }
        Ok(head) => Some(head.peel_to_tree()?),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(e) => return Err(e),
    };
    let mut opts = DiffOptions::new();
    opts.include_typechange(true);
    let diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut opts))?;
    diff_files(diff)
}

/// Parent counts and messages along HEAD's first-parent line, newest first.
pub(crate) fn first_parent_messages(
    repo: &Repository,
    limit: usize,
) -> Result<Vec<(usize, Vec<u8>)>, git2::Error> {
    let mut commit = match repo.head() {
        Ok(head) => head.peel_to_commit()?,
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            return Ok(Vec::new());
        }
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for _ in 0..limit {
        out.push((commit.parent_count(), commit.message_bytes().to_vec()));
        if commit.parent_count() != 1 {
            break;
        }
        commit = commit.parent(0)?;
    }
    Ok(out)
}

/// The blob id of `name` at the top of HEAD's tree, read from the tree without inflating
/// the blob; None when HEAD is unborn or the tree has no such blob.
pub(crate) fn head_file_id(repo: &Repository, name: &str) -> Result<Option<String>, git2::Error> {
    let head = match repo.head() {
        Ok(h) => h,
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let tree = head.peel_to_tree()?;
    let Some(entry) = tree.get_name(name) else {
        return Ok(None);
    };
    if entry.kind() != Some(ObjectType::Blob) {
        return Ok(None);
    }
    Ok(Some(entry.id().to_string()))
}

/// A blob's bytes, by its full id.
pub(crate) fn blob(repo: &Repository, id: &str) -> Result<Vec<u8>, git2::Error> {
    Ok(repo.find_blob(Oid::from_str(id)?)?.content().to_vec())
}

/// A file at the top of HEAD's tree: its blob id and bytes; None when HEAD is unborn or the
/// tree has no such blob.
pub(crate) fn head_file(
    repo: &Repository,
    name: &str,
) -> Result<Option<(String, Vec<u8>)>, git2::Error> {
    match head_file_id(repo, name)? {
        Some(id) => {
            let bytes = blob(repo, &id)?;
            Ok(Some((id, bytes)))
        }
        None => Ok(None),
    }
}

/// Files of HEAD's tree by path (`a/b/c.yaml`), each looked up in the tree read once: the
/// bytes of each blob no larger than `max_bytes` (its size is read from the object header
/// first, so a huge one is never inflated); None for a path HEAD has no blob at, or too large.
pub(crate) fn head_blobs(
    repo: &Repository,
    paths: &[&str],
    max_bytes: u64,
) -> Result<Vec<Option<Vec<u8>>>, git2::Error> {
    let head = match repo.head() {
        Ok(h) => h,
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            return Ok(vec![None; paths.len()]);
        }
        Err(e) => return Err(e),
    };
    let tree = head.peel_to_tree()?;
    let odb = repo.odb()?;
    paths
        .iter()
        .map(|p| {
            let entry = match tree.get_path(Path::new(p)) {
                Ok(e) => e,
                // A path no tree can hold (`a//b`, `../x`) is as absent as a missing one.
                Err(e) if matches!(e.code(), ErrorCode::NotFound | ErrorCode::InvalidSpec) => {
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
            if entry.kind() != Some(ObjectType::Blob) {
                return Ok(None);
            }
            let (size, _) = odb.read_header(entry.id())?;
            if size as u64 > max_bytes {
                return Ok(None);
            }
            Ok(Some(repo.find_blob(entry.id())?.content().to_vec()))
        })
        .collect()
}

/// A commit's author.
pub(crate) fn author(repo: &Repository, id: &str) -> Result<Option<Ident>, git2::Error> {
    let oid = Oid::from_str(id)?;
    let c = match repo.find_commit(oid) {
        Ok(c) => c,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let a = c.author();
    Ok(Some(Ident {
        name: String::from_utf8_lossy(a.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(a.email_bytes()).into_owned(),
    }))
}
