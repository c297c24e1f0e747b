//! `bpf-policy recipients`: who must receive a series, as git's sendemail.toCmd/ccCmd and
//! b4's auto-to-cc want it (one address per line).

use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;

use bpf_policy::maintainers::{Recipient, format_email};
use bpf_policy::prefix::parse_subject;
use bpf_policy::recipients::{author_of, fixes_ids_in_text, maintainer_now, required_lists};
use bpf_policy::repo::MaintainersAt;
use bpf_policy::tree::Tree;
use bpf_policy_repo::{Repo, Session};

use crate::{EXIT_OK, EXIT_UNUSABLE, print_out};

/// Files larger than this are not patches.
const MAX_PATCH_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct RecipientsArgs {
    /// Patch files (git format-patch output, an mbox) or - for standard input, taken as one
    /// series.
    #[arg(value_name = "PATCH", required = true)]
    pub paths: Vec<PathBuf>,
    /// The repository whose MAINTAINERS (at HEAD) and history to use; default: the one around
    /// the current directory.
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Only the lists, and the target tree's list (for sendemail.toCmd).
    #[arg(long, conflicts_with = "cc")]
    pub to: bool,
    /// Only the maintainers, reviewers and Fixes: authors (for sendemail.ccCmd).
    #[arg(long)]
    pub cc: bool,
}

pub fn run(args: &RecipientsArgs) -> u8 {
    match addresses(args) {
        Ok(lines) => {
            let mut s = String::new();
            for l in lines {
                s.push_str(&l);
                s.push('\n');
            }
            print_out(&s);
            EXIT_OK
        }
        Err(e) => {
            eprintln!("bpf-policy recipients: {e}");
            EXIT_UNUSABLE
        }
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    let mut bytes = Vec::new();
    let shown = path.display();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_PATCH_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("standard input: {e}"))?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_PATCH_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("{shown}: cannot read it: {e}"))?;
    }
    if bytes.len() as u64 > MAX_PATCH_BYTES {
        return Err(format!(
            "{shown}: larger than {MAX_PATCH_BYTES} bytes; not a patch"
        ));
    }
    if bytes.contains(&0) {
        return Err(format!("{shown}: binary data (NUL bytes), not a patch"));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The tree a patch's own subject names.
fn subject_tree(text: &str) -> Option<Tree> {
    let mut subject: Option<String> = None;
    for line in text.lines() {
        if line.is_empty() && subject.is_some() {
            break;
        }
        if let Some(s) = line.strip_prefix("Subject:") {
            subject = Some(s.trim().to_owned());
        } else if let Some(s) = subject.as_mut()
            && (line.starts_with(' ') || line.starts_with('\t'))
        {
            s.push(' ');
            s.push_str(line.trim());
        } else if subject.is_some() {
            break;
        }
    }
    parse_subject(&subject?).0.and_then(|p| p.tree)
}

fn addresses(args: &RecipientsArgs) -> Result<Vec<String>, String> {
    let texts = args.paths.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let dir = match &args.repo {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?,
    };
    let repo = Repo::open(&dir).map_err(|e| e.to_string())?;
    // The target tree's list: from the patches' own subjects, else what the repository is
    // set to (inferred only then: it reads config and may walk b4's commits).
    let subject = texts.iter().find_map(|t| subject_tree(t));
    let session = Session::new(Some(repo), subject.is_none(), None);
    let Some(repo) = session.repo.as_ref() else {
        return Err("no repository".to_owned());
    };
    let facts = repo.facts();
    let m = match facts.maintainers_parsed() {
        MaintainersAt::Parsed(m) => m,
        MaintainersAt::Absent => {
            return Err(format!(
                "HEAD of the repository at {} has no MAINTAINERS file to read recipients from",
                repo.workdir().unwrap_or(repo.git_dir()).display()
            ));
        }
        MaintainersAt::Unreadable(why) => return Err(why.to_owned()),
    };
    let found = m.lookup(&texts);
    // As get_maintainer.pl prints them: each address as .mailmap names its owner now.
    let mut people: Vec<String> = found
        .people
        .iter()
        .map(|r| {
            maintainer_now(facts, r).map_or_else(
                || r.display.clone(),
                |now| format_email(&now.name, &now.email),
            )
        })
        .collect();
    let mut seen_ids = HashSet::new();
    for t in &texts {
        for id in fixes_ids_in_text(t) {
            if let Some(a) = author_of(facts, &id, 0)
                && seen_ids.insert(a.id.clone())
            {
                people.push(format_email(&a.author.name, &a.author.email));
            }
        }
    }
    let mut lists: Vec<String> = required_lists(&found)
        .map(|r: &Recipient| r.display.clone())
        .collect();
    let tree = subject.or(session.tree.as_ref().map(|(t, _)| *t));
    if let Some(t) = tree {
        lists.push(t.list().to_owned());
    }
    let chosen: Vec<String> = match (args.to, args.cc) {
        (true, _) => lists,
        (_, true) => people,
        _ => people.into_iter().chain(lists).collect(),
    };
    // One line per address, compared without case; a list that is also someone's address
    // is printed once.
    let mut seen = HashSet::new();
    Ok(chosen
        .into_iter()
        .filter(|a| {
            let (_, email) = bpf_policy::maintainers::parse_email(a);
            let key = if email.is_empty() {
                a.to_lowercase()
            } else {
                email.to_lowercase()
            };
            seen.insert(key)
        })
        .collect())
}
