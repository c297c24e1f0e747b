//! People named inside the files a patch touches.
//!
//! scripts/get_maintainer.pl reads every touched `*.yaml` file (devicetree bindings carry a
//! `maintainers:` list) and Cc's each address written in it, with the role "in file". This is
//! its `clean_file_emails`, step for step, so the addresses come out byte for byte as it
//! prints them: the same regex finds candidate addresses with the words before them, and the
//! same heuristics keep only the name (the last two words, three with an initial, without
//! stray punctuation and quotes).

use std::sync::LazyLock;

use regex::Regex;

use crate::maintainers::{format_email, parse_email};

/// A pattern written here (the unit tests compile every one).
fn constant(pattern: &str) -> Regex {
    #[allow(clippy::unwrap_used)]
    Regex::new(pattern).unwrap()
}

/// get_maintainer.pl's candidate: name-like characters, then an address, in brackets or not.
/// Its `\p{L}` matters: kernel people write their names with accents.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    constant(r#"[\p{L}"' ,.+-]*\s*,*\s*[(<{]?[A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+\.[A-Za-z0-9]+[)>}]?"#)
});
/// The address in a candidate, with the bracket around it if any (rewritten as `<addr>`).
static ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| constant(r"[(<{]?([A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+)[)>}]?"));
/// What splits a name into words: anything but a letter, `'`, `,`, `.`, `+` and `-`.
static NOT_NAME: LazyLock<Regex> = LazyLock::new(|| constant(r"[^\p{L}',.+-]"));
static LETTER: LazyLock<Regex> = LazyLock::new(|| constant(r"\p{L}"));

/// Whether get_maintainer.pl reads the addresses in this touched file: every `*.yaml` file
/// (MAINTAINERS itself aside, which never ends so).
pub fn names_people(path: &str) -> bool {
    path.ends_with(".yaml")
}

/// Every address written in a file's text, formatted as get_maintainer.pl's
/// `clean_file_emails` formats it (`Name <addr>`, `"Name, Jr." <addr>` or `addr`), in the
/// order they appear; repeats are kept (the caller merges files).
pub fn file_emails(text: &str) -> Vec<String> {
    CANDIDATE
        .find_iter(text)
        .map(|m| clean(m.as_str()))
        .collect()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// An initial: `J.`
fn initial(w: &str) -> bool {
    chars(w) == 2 && w.ends_with('.')
}

/// One candidate, cleaned as `clean_file_emails` does.
fn clean(candidate: &str) -> String {
    let email = ADDRESS.replace_all(candidate, "<$1>");
    let (name, address) = parse_email(&email);
    // `s/^"(.*)"$/$1/`: the quotes format_email will put back (`.` stops at a newline).
    let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) if !inner.contains('\n') => inner,
        _ => name.as_str(),
    };
    // Perl's split keeps empty words except at the end; lone punctuation is dropped.
    let mut words: Vec<&str> = NOT_NAME.split(name).collect();
    while words.last().is_some_and(|w| w.is_empty()) {
        words.pop();
    }
    words.retain(|w| !(chars(w) == 1 && w.starts_with(['\'', ',', '.', '+', '-'])));
    let joined = match words.as_slice() {
        [.., first, middle, last] => {
            if (chars(first) == 1 && LETTER.is_match(first))
                || initial(first)
                || chars(middle) == 1
                || initial(middle)
            {
                format!("{first} {middle} {last}")
            } else {
                format!("{middle} {last}")
            }
        }
        _ => words.join(" "),
    };
    let mut name = joined.as_str();
    if let Some(n) = name.strip_suffix([',', '.']) {
        name = n;
    }
    if let Some(n) = name.strip_prefix([',', '.']) {
        name = n;
    }
    format_email(name, &address)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values as the vendored get_maintainer.pl's clean_file_emails gives them
    /// (run with perl on the same text).
    #[test]
    fn bindings_as_get_maintainer_reads_them() {
        let yaml = "\
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
%YAML 1.2
---
$id: http://devicetree.org/schemas/net/acme,foo.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#

title: ACME Foo Ethernet controller

maintainers:
  - Jane Doe <jane.doe@example.com>
  - José María García-Núñez <jmgarcia@example.es>
  - J. R. R. Tolkien <jrrt@example.org>
  - \"Rob Herring (Arm)\" <robh@kernel.org>
  - Krzysztof Kozlowski <krzk+dt@kernel.org>
  - Ingo van der Berg <ingo@example.nl>
  - someone@example.net
  - Oleksij Rempel (ore@pengutronix.de)
  - Łukasz O'Neill, Jr. <lukasz@example.pl>
";
        assert_eq!(
            file_emails(yaml),
            [
                "Jane Doe <jane.doe@example.com>",
                "\"María García-Núñez\" <jmgarcia@example.es>",
                "\"R. R. Tolkien\" <jrrt@example.org>",
                // `(` ends the name: nothing of it is left.
                "robh@kernel.org",
                "Krzysztof Kozlowski <krzk+dt@kernel.org>",
                "der Berg <ingo@example.nl>",
                "someone@example.net",
                "Oleksij Rempel <ore@pengutronix.de>",
                "\"O'Neill, Jr\" <lukasz@example.pl>",
            ]
        );
    }

    #[test]
    fn stray_words_quotes_and_lines() {
        // Words before the name on the line, a name on the line above its address, commas.
        let text = "Contact: the maintainer, Ann Lee, <ann@example.org>\n\
                    Bob\n  Smith <bob@example.org>\n\
                    Copyright (c) 2024 Carl O. Ng <carl@example.org>\n\
                    url: https://user@example.org/path.git\n\
                    e-mail {dee@example.org} and x@y (no dot)\n\
                    \"Quote \\\"Q\\\" Person\" <q@example.org>\n";
        assert_eq!(
            file_emails(text),
            [
                "Ann Lee <ann@example.org>",
                // A name on the line above is not part of it.
                "Smith <bob@example.org>",
                "\"Carl O. Ng\" <carl@example.org>",
                "user@example.org",
                "e-mail <dee@example.org>",
                "Person <q@example.org>",
            ]
        );
    }

    #[test]
    fn nothing_to_find() {
        assert!(file_emails("").is_empty());
        assert!(file_emails("title: no addresses @ all\nx@y\n").is_empty());
        assert!(names_people(
            "Documentation/devicetree/bindings/net/acme,foo.yaml"
        ));
        assert!(!names_people(
            "Documentation/devicetree/bindings/net/acme,foo.yml"
        ));
        assert!(!names_people("MAINTAINERS"));
    }
}
