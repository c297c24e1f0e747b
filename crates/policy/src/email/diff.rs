//! Diff status: which files a diff touches and whether each is added, deleted or renamed.

use super::Email;
use super::quote::{take_quoted, unquote};
use crate::item::{ChangeStatus, FileChange};

impl Email {
    pub(super) fn diff_header_line(&mut self, t: &str, pending: &mut Option<usize>) {
        let set = |files: &mut Vec<FileChange>,
                   pending: &mut Option<usize>,
                   status,
                   path: Option<String>| {
            match pending.and_then(|i| files.get_mut(i)) {
                Some(f) => {
                    f.status = status;
                    if let Some(p) = path {
                        f.path = p;
                    }
                }
                None => {
                    if let Some(p) = path {
                        files.push(FileChange { path: p, status });
                        *pending = Some(files.len() - 1);
                    }
                }
            }
        };
        if t.starts_with("new file mode") {
            set(&mut self.files, pending, ChangeStatus::Added, None);
        } else if t.starts_with("deleted file mode") {
            let path = pending
                .and_then(|i| self.files.get(i))
                .map(|f| f.path.clone());
            set(&mut self.files, pending, ChangeStatus::Deleted, path);
        } else if let Some(p) = t
            .strip_prefix("rename to ")
            .or_else(|| t.strip_prefix("copy to "))
        {
            set(
                &mut self.files,
                pending,
                ChangeStatus::Renamed,
                Some(unquote(p)),
            );
        } else if let Some(p) = t.strip_prefix("+++ ") {
            // Plain diffs (no `diff --git`): the new side names the file.
            if pending.is_none() {
                let p = unquote(p.split('\t').next().unwrap_or(p));
                if p != "/dev/null" {
                    let path = p.strip_prefix("b/").unwrap_or(&p).to_owned();
                    self.files.push(FileChange::modified(path));
                }
            }
        } else if t.starts_with("--- /dev/null") && pending.is_none() {
            // A plain diff adding a file: the `+++` line that follows names it.
        }
    }
}

/// `@@ -a,b +c,d @@` -> (b, d): how many old and new lines the hunk holds.
pub(super) fn parse_hunk_header(t: &str) -> Option<(usize, usize)> {
    let rest = t.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(' ')?;
    let rest = rest.strip_prefix('+')?;
    let (new, _) = rest.split_once(' ')?;
    let count = |r: &str| -> Option<usize> {
        match r.split_once(',') {
            Some((_, n)) => n.parse().ok(),
            None => r.parse::<usize>().ok().map(|_| 1),
        }
    };
    Some((count(old)?, count(new)?))
}

/// The file of a `diff --git a/X b/Y` line (the new path), unquoting C-style quoted names.
pub(super) fn diff_git_path(t: &str) -> FileChange {
    let rest = &t["diff --git ".len()..];
    let path = if rest.starts_with('"') {
        // "a/x" "b/y": take the second quoted or plain name.
        let (_, after) = take_quoted(rest);
        unquote(after.trim())
    } else if let Some(idx) = rest.find(" b/") {
        // Both sides are equal for anything but renames, which `rename to` fixes up later.
        rest[idx + 1..].to_owned()
    } else {
        rest.split(' ').next_back().unwrap_or(rest).to_owned()
    };
    let path = path.strip_prefix("b/").unwrap_or(&path).to_owned();
    FileChange::modified(path)
}
