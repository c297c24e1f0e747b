//! `.mailmap`: the names and addresses people use now, for those they committed under.
//!
//! The kernel's `.mailmap` maps hundreds of old addresses (a former employer's, a typo) to the
//! one their owner reads today. `git log --use-mailmap` and get_maintainer.pl show the mapped
//! address, so that is the one a developer puts in Cc:. The format and matching are git's
//! (gitmailmap(5)): an old address matched without regard to case, optionally together with
//! the old name.

use std::collections::HashMap;

use crate::item::Ident;

/// What one old address (and optionally old name) becomes; `None` keeps what was there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Replacement {
    name: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Entry {
    /// For the address whatever the name.
    any_name: Replacement,
    /// For the address with this old name (lower-cased).
    by_name: HashMap<String, Replacement>,
}

/// A parsed `.mailmap`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailmap {
    /// By old address, lower-cased.
    entries: HashMap<String, Entry>,
}

impl Mailmap {
    /// Parse `.mailmap` text. Lines that are not entries (comments, junk) are skipped, as git
    /// skips them.
    pub fn parse(text: &str) -> Mailmap {
        let mut map = Mailmap::default();
        for line in text.lines() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let Some((name1, email1, rest)) = name_and_email(line) else {
                continue;
            };
            match name_and_email(rest) {
                // `Proper Name <proper@x> [Commit Name] <commit@x>`
                Some((name2, email2, _)) => map.add(
                    email2,
                    name2,
                    Replacement {
                        name: name1.map(str::to_owned),
                        email: Some(email1.to_owned()),
                    },
                ),
                // `Proper Name <commit@x>`: the name alone is replaced.
                None => map.add(
                    email1,
                    None,
                    Replacement {
                        name: name1.map(str::to_owned),
                        email: None,
                    },
                ),
            }
        }
        map
    }

    fn add(&mut self, old_email: &str, old_name: Option<&str>, new: Replacement) {
        let entry = self
            .entries
            .entry(old_email.to_ascii_lowercase())
            .or_default();
        let slot = match old_name {
            Some(n) => entry.by_name.entry(n.to_lowercase()).or_default(),
            None => &mut entry.any_name,
        };
        // A later line fills in what it names and keeps what an earlier one set.
        if new.name.is_some() {
            slot.name = new.name;
        }
        if new.email.is_some() {
            slot.email = new.email;
        }
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The person as they are known now: `who` itself when no line maps them.
    pub fn map(&self, who: &Ident) -> Ident {
        let Some(entry) = self.entries.get(&who.email.to_ascii_lowercase()) else {
            return who.clone();
        };
        // A line naming the old name too wins; git then does not fall back to the
        // address-only line for what it leaves out.
        let r = entry
            .by_name
            .get(&who.name.to_lowercase())
            .unwrap_or(&entry.any_name);
        Ident {
            name: r.name.clone().unwrap_or_else(|| who.name.clone()),
            email: r.email.clone().unwrap_or_else(|| who.email.clone()),
        }
    }
}

/// `Name <email>` at the start of `s` (the name may be empty): the name, the address and what
/// follows the `>`.
fn name_and_email(s: &str) -> Option<(Option<&str>, &str, &str)> {
    let lt = s.find('<')?;
    let gt = lt + s[lt..].find('>')?;
    let name = s[..lt].trim();
    let email = s[lt + 1..gt].trim();
    Some(((!name.is_empty()).then_some(name), email, &s[gt + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(name: &str, email: &str) -> Ident {
        Ident {
            name: name.into(),
            email: email.into(),
        }
    }

    #[test]
    fn the_four_forms_of_gitmailmap() {
        let m = Mailmap::parse(
            "# comment\n\
             Proper Name <commit@x.org>\n\
             <proper2@x.org> <Commit2@X.org>\n\
             Proper Three <proper3@x.org> <commit3@x.org>\n\
             Proper Four <proper4@x.org> Old Four <shared@x.org>\n\
             Proper Five <proper5@x.org> <shared@x.org> # trailing comment\n\
             junk without an address\n",
        );
        assert_eq!(
            m.map(&who("Old", "commit@x.org")),
            who("Proper Name", "commit@x.org")
        );
        assert_eq!(
            m.map(&who("Two", "commit2@x.org")),
            who("Two", "proper2@x.org")
        );
        assert_eq!(
            m.map(&who("Three", "COMMIT3@x.org")),
            who("Proper Three", "proper3@x.org")
        );
        // One address shared by two people: the name decides.
        assert_eq!(
            m.map(&who("old four", "shared@x.org")),
            who("Proper Four", "proper4@x.org")
        );
        assert_eq!(
            m.map(&who("Someone", "shared@x.org")),
            who("Proper Five", "proper5@x.org")
        );
        assert_eq!(
            m.map(&who("Nobody", "nobody@x.org")),
            who("Nobody", "nobody@x.org")
        );
    }

    #[test]
    fn later_lines_fill_in() {
        let m = Mailmap::parse("<new@x.org> <old@x.org>\nNew Name <old@x.org>\n");
        assert_eq!(
            m.map(&who("Old", "old@x.org")),
            who("New Name", "new@x.org")
        );
        assert!(Mailmap::parse("# nothing\n").is_empty());
    }
}
