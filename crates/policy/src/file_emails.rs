//! People named inside the files a patch touches.
//!
//! scripts/get_maintainer.pl reads every touched `*.yaml` file (devicetree bindings carry a
//! `maintainers:` list) and Cc's each address written in it, with the role "in file". This is
//! its `clean_file_emails`, step for step, so the addresses come out byte for byte as it
//! prints them: the same pattern finds candidate addresses with the words before them, and the
//! same heuristics keep only the name (the last two words, three with an initial, without
//! stray punctuation and quotes).

use std::sync::LazyLock;

use regex_syntax::hir::{Class, HirKind};

use crate::maintainers::{format_email, parse_email};

// get_maintainer.pl finds candidates with
//   [\p{L}"' ,.+-]*\s*[,]*\s*[(<{]?[A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+\.[A-Za-z0-9]+[)>}]?
// Compiling that (with Unicode letters) and running it costs milliseconds in every process
// that reads a binding; the scanner below finds the same matches (leftmost first, greedy)
// in one pass. The tests hold it to the regex.

/// `\p{L}`'s ranges, from regex-syntax's tables (a few microseconds, no regex compiled).
static LETTERS: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
    match regex_syntax::Parser::new()
        .parse(r"\p{L}")
        .map(|h| h.into_kind())
    {
        Ok(HirKind::Class(Class::Unicode(c))) => {
            c.ranges().iter().map(|r| (r.start(), r.end())).collect()
        }
        _ => Vec::new(),
    }
});

/// `\p{L}`: a letter of any script (`é`, `Ł`, `ß`), as Perl's Unicode tables have it.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    let ranges = LETTERS.as_slice();
    let i = ranges.partition_point(|(_, end)| *end < c);
    ranges.get(i).is_some_and(|(start, _)| *start <= c)
}

/// `[A-Za-z0-9_.+-]`: the part of an address before the `@`.
fn local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-')
}

/// `[A-Za-z0-9.-]`: the domain.
fn domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

fn opening(b: u8) -> bool {
    matches!(b, b'(' | b'<' | b'{')
}

fn closing(b: u8) -> bool {
    matches!(b, b')' | b'>' | b'}')
}

/// `[\p{L}"' ,.+-]`: what a name may be made of.
fn name_char(c: char) -> bool {
    is_letter(c) || matches!(c, '"' | '\'' | ' ' | ',' | '.' | '+' | '-')
}

/// Where `[A-Za-z0-9.-]+\.[A-Za-z0-9]+[)>}]?` starting at `from` ends: the greedy domain
/// backs off to its last dot followed by a letter or digit.
fn domain_end(b: &[u8], from: usize) -> Option<usize> {
    let run = from + b[from..].iter().take_while(|&&x| domain(x)).count();
    let dot = (from + 1..run.saturating_sub(1))
        .rev()
        .find(|&k| b[k] == b'.' && b[k + 1].is_ascii_alphanumeric())?;
    let end = dot
        + 1
        + b[dot + 1..]
            .iter()
            .take_while(|x| x.is_ascii_alphanumeric())
            .count();
    Some(end + usize::from(b.get(end).copied().is_some_and(closing)))
}

/// The leftmost start, not before `floor`, of `[\p{L}"' ,.+-]*\s*,*\s*[(<{]?[A-Za-z0-9_.+-]+`
/// ending at `at` (an `@`): read backwards, each character taken by a part no earlier than
/// the one that took the character after it.
fn candidate_start(text: &str, floor: usize, at: usize) -> Option<usize> {
    // The parts, last first: address, bracket, spaces, commas, spaces, name.
    let takes = |part: usize, c: char| match part {
        0 => c.is_ascii() && local(c as u8),
        1 => c.is_ascii() && opening(c as u8),
        2 | 4 => c.is_whitespace(),
        3 => c == ',',
        _ => name_char(c),
    };
    let mut parts: u8 = 0;
    let mut start = None;
    for (i, c) in text[floor..at].char_indices().rev() {
        let mut next: u8 = 0;
        for part in 0..6 {
            // Parts from the earliest one still possible; the first takes at least one
            // character before any other part may, the bracket at most one.
            let reachable = if start.is_none() {
                part == 0
            } else {
                (0..=part).any(|p| parts & (1 << p) != 0 && !(p == 1 && part == 1))
            };
            if reachable && takes(part, c) {
                next |= 1 << part;
            }
        }
        if next == 0 {
            break;
        }
        parts = next;
        start = Some(floor + i);
    }
    start
}

/// Every match of get_maintainer.pl's candidate regex, left to right.
fn candidates(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find('@').map(|i| from + i) {
        // A match holds exactly one `@`: the first one after `from`, or none.
        match (candidate_start(text, from, at), domain_end(b, at + 1)) {
            (Some(start), Some(end)) => {
                found.push(&text[start..end]);
                from = end;
            }
            _ => from = at + 1,
        }
    }
    found
}

/// `s/[(<{]?([A-Za-z0-9_.+-]+\@[A-Za-z0-9.-]+)[)>}]?/<$1>/g` on a candidate (which holds one
/// `@`).
fn bracket_address(candidate: &str) -> String {
    let b = candidate.as_bytes();
    let Some(at) = candidate.find('@') else {
        return candidate.to_owned();
    };
    let local_start = at - b[..at].iter().rev().take_while(|&&x| local(x)).count();
    let domain_stop = at + 1 + b[at + 1..].iter().take_while(|&&x| domain(x)).count();
    if local_start == at || domain_stop == at + 1 {
        return candidate.to_owned();
    }
    let start = local_start - usize::from(local_start > 0 && opening(b[local_start - 1]));
    let end = domain_stop + usize::from(b.get(domain_stop).copied().is_some_and(closing));
    format!(
        "{}<{}>{}",
        &candidate[..start],
        &candidate[local_start..domain_stop],
        &candidate[end..]
    )
}

/// Whether get_maintainer.pl reads the addresses in this touched file: every `*.yaml` file
/// (MAINTAINERS itself aside, which never ends so).
pub fn names_people(path: &str) -> bool {
    path.ends_with(".yaml")
}

/// Every address written in a file's text, formatted as get_maintainer.pl's
/// `clean_file_emails` formats it (`Name <addr>`, `"Name, Jr." <addr>` or `addr`), in the
/// order they appear; repeats are kept (the caller merges files).
pub fn file_emails(text: &str) -> Vec<String> {
    candidates(text).into_iter().map(clean).collect()
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
    let (name, address) = parse_email(&bracket_address(candidate));
    // `s/^"(.*)"$/$1/`: the quotes format_email will put back (`.` stops at a newline).
    let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) if !inner.contains('\n') => inner,
        _ => name.as_str(),
    };
    // Perl's split keeps empty words except at the end; lone punctuation is dropped.
    let mut words: Vec<&str> = name
        .split(|c: char| !(is_letter(c) || matches!(c, '\'' | ',' | '.' | '+' | '-')))
        .collect();
    while words.last().is_some_and(|w| w.is_empty()) {
        words.pop();
    }
    words.retain(|w| !(chars(w) == 1 && w.starts_with(['\'', ',', '.', '+', '-'])));
    let joined = match words.as_slice() {
        [.., first, middle, last] => {
            if (chars(first) == 1 && first.chars().all(is_letter))
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
    use proptest::prelude::*;

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

    /// The regexes the scanner stands for, as get_maintainer.pl writes them.
    const CANDIDATE: &str =
        r#"[\p{L}"' ,.+-]*\s*,*\s*[(<{]?[A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+\.[A-Za-z0-9]+[)>}]?"#;
    const ADDRESS: &str = r"[(<{]?([A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+)[)>}]?";

    static REGEXES: LazyLock<Option<(regex::Regex, regex::Regex)>> = LazyLock::new(|| {
        Some((
            regex::Regex::new(CANDIDATE).ok()?,
            regex::Regex::new(ADDRESS).ok()?,
        ))
    });

    fn same_as_the_regexes(text: &str) -> Result<(), TestCaseError> {
        let Some((candidate, address)) = REGEXES.as_ref() else {
            return Err(TestCaseError::fail("the patterns do not compile"));
        };
        let want: Vec<&str> = candidate.find_iter(text).map(|m| m.as_str()).collect();
        prop_assert_eq!(&candidates(text), &want, "{:?}", text);
        for c in want {
            prop_assert_eq!(bracket_address(c), address.replace_all(c, "<$1>"));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_scanner_finds_what_the_regex_finds(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Jane", "José", "Ñ", "J.", "ß", "日本", "Ⅻ", "e\u{301}", "\"", "'", ",", ".", "+",
                "-", "_", "0", " ", "\n", "\t", "\u{a0}", "\u{2003}", "(", ")", "<", ">", "{",
                "}", "[", "@", "a@b.cd", "x.y+z@ex-ample.org", "@@", "a@b", "b.c-", ".a", "x@.y",
                "q@r..s", "©", "Ł", ":", "-x@y.zz)",
            ]), 0..24)
        ) {
            same_as_the_regexes(&parts.concat())?;
        }
    }

    #[test]
    fn letters_are_unicode_letters() {
        for c in ['a', 'Z', 'é', 'Ł', 'ß', 'Ω', 'ж', '日', 'ǅ', 'ʰ'] {
            assert!(is_letter(c), "{c}");
        }
        // Not letters: digits, marks, symbols, letter numbers, spaces.
        for c in ['1', '\u{301}', '©', 'Ⅻ', '\u{a0}', '_', '٣'] {
            assert!(!is_letter(c), "{c:?}");
        }
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
