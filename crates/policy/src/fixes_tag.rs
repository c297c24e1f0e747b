//! A `Fixes:` tag, read once when its message is parsed: the commit id and title it names, and
//! what is wrong with how it is written.
//!
//! Four rules look at the same tags (fixes-format, fixes-commit, fixes-tree, fixes-author-cc) and
//! `recipients` asks for their authors; each of them reads [`FixesTag`], none parses the value
//! again. The syntax is `git log -1 --format='Fixes: %h ("%s")' --abbrev=12`'s output.

use std::sync::LazyLock;

use regex::Regex;

use crate::message::{Line, Trailer};

/// One `Fixes:` tag of a message (or a line that means to be one but has no colon).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixesTag {
    /// The line it starts on, as written.
    pub line: Line,
    /// Written with its colon, so tools see it. A colonless `Fixes 0123... (...)` line is
    /// kept (fixes-format names it) but is no tag to anything else.
    pub colon: bool,
    /// The hex id as written (case kept), when there is one.
    pub id: Option<String>,
    /// The title the tag quotes, without its quoting, when there is one.
    pub title: Option<String>,
    /// What is wrong with its form, in the order it was found.
    pub problems: Vec<FixesProblem>,
}

/// Something wrong with how a Fixes: value is written. Errors break the tools that read
/// the tag; warnings are a matter of form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixesProblem {
    /// `Fixes: commit 0123...`.
    CommitWord,
    /// No hex id at all.
    NoId,
    /// Fewer than 12 hex digits (how many there are).
    ShortId(usize),
    /// Upper-case hex digits.
    UpperCase,
    /// `0123456789ab("title")`.
    RunTogether,
    /// The id and nothing after it.
    NoTitle,
    /// Text after the closing `")` (what it is).
    AfterQuote(String),
    /// `("title` with no closing `")`.
    NotClosed,
    /// `(title)`: parentheses but no double quotes.
    NotQuoted,
    /// Text after the closing `)` of an unquoted title.
    AfterParen,
    /// A title with no parentheses at all.
    NotParenthesised,
}

impl FixesProblem {
    /// Whether tools misread the tag (an error), rather than a matter of form (a warning).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Self::CommitWord | Self::NoId | Self::ShortId(_) | Self::RunTogether | Self::NoTitle
        )
    }

    /// What is wrong, in words; `id` is the tag's id as written.
    pub fn describe(&self, id: &str) -> String {
        match self {
            Self::CommitWord => "the word 'commit' stands before the id".into(),
            Self::NoId => "no commit id".into(),
            Self::ShortId(n) => format!("the id '{id}' has {n} hex digits; use at least 12"),
            Self::UpperCase => format!("the id '{id}' has upper-case hex digits"),
            Self::RunTogether => {
                "the id and the title run together; put a space between them".into()
            }
            Self::NoTitle => "no title: the commit's subject must follow the id".into(),
            Self::AfterQuote(t) => format!("text after the closing '\")': '{t}'"),
            Self::NotClosed => "the title is not closed with '\")'".into(),
            Self::NotQuoted => "the title is not in double quotes: write (\"...\")".into(),
            Self::AfterParen => "text after the closing ')'".into(),
            Self::NotParenthesised => {
                "the title is not in (\"...\"): write Fixes: <id> (\"<subject>\")".into()
            }
        }
    }
}

impl FixesTag {
    /// A tag from its trailer.
    pub fn from_trailer(t: &Trailer) -> FixesTag {
        let mut tag = parse_value(&t.value, t.line());
        tag.colon = true;
        tag
    }

    /// A `Fixes 0123... (...)` line that lacks its colon, if this line is one. Prose such as
    /// "Fixes errors like:" has no id and no title, and is not.
    pub fn colonless(line: &Line) -> Option<FixesTag> {
        // A prefix test first: the regex is compiled only for a message that needs it.
        let rest = line.text.trim_start().strip_prefix("Fixes ")?;
        if !COLONLESS.is_match(&line.text) {
            return None;
        }
        Some(parse_value(rest.trim(), line.clone()))
    }

    /// The id the repository is asked about: lower-case, and only with 4 digits or more
    /// (git's shortest abbreviation). A colonless line names nothing.
    pub fn target(&self) -> Option<String> {
        self.id
            .as_deref()
            .filter(|id| self.colon && id.len() >= 4)
            .map(str::to_ascii_lowercase)
    }

    /// The tag as it should be written, when its id is long enough to keep and it has a title.
    pub fn corrected(&self) -> Option<String> {
        let id = self.id.as_deref().filter(|id| id.len() >= 12)?;
        Some(format!(
            "Fixes: {} (\"{}\")",
            id.to_ascii_lowercase(),
            self.title.as_deref()?
        ))
    }
}

static COLONLESS: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)]
    Regex::new(
        r#"^\s*Fixes\s+(?:commit\s+)?[0-9a-fA-F]{7,}\s*\(|^\s*Fixes\s+commit\s+[0-9a-fA-F]{7,}\b"#,
    )
    .unwrap()
});

/// Read one value: the id and title where they can be found, and every problem on the way.
fn parse_value(value: &str, line: Line) -> FixesTag {
    let mut tag = FixesTag {
        line,
        colon: false,
        id: None,
        title: None,
        problems: Vec::new(),
    };
    let p = &mut tag.problems;
    let mut rest = value.trim();
    if let Some(r) = rest
        .strip_prefix("commit ")
        .or_else(|| rest.strip_prefix("Commit "))
    {
        p.push(FixesProblem::CommitWord);
        rest = r.trim_start();
    }
    let hex_len = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
    if hex_len == 0 {
        p.push(FixesProblem::NoId);
        return tag;
    }
    let (id, after) = rest.split_at(hex_len);
    if hex_len < 12 {
        p.push(FixesProblem::ShortId(hex_len));
    }
    if id.bytes().any(|b| b.is_ascii_uppercase()) {
        p.push(FixesProblem::UpperCase);
    }
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        p.push(FixesProblem::RunTogether);
    }
    tag.id = Some(id.to_owned());
    let t = after.trim();
    if t.is_empty() {
        p.push(FixesProblem::NoTitle);
        return tag;
    }
    let title = if let Some(inner) = t.strip_prefix("(\"").or_else(|| t.strip_prefix("(“")) {
        match inner.rfind("\")").or_else(|| inner.rfind("”)")) {
            Some(end) => {
                let close_len = if inner[end..].starts_with('"') {
                    2
                } else {
                    "”)".len()
                };
                let trailing = inner[end + close_len..].trim();
                if !trailing.is_empty() {
                    p.push(FixesProblem::AfterQuote(trailing.to_owned()));
                }
                &inner[..end]
            }
            None => {
                p.push(FixesProblem::NotClosed);
                inner.trim_end_matches(')').trim_end_matches(['"', '”'])
            }
        }
    } else if let Some(inner) = t.strip_prefix('(') {
        p.push(FixesProblem::NotQuoted);
        let end = inner.rfind(')').unwrap_or(inner.len());
        if !inner[(end + 1).min(inner.len())..].trim().is_empty() {
            p.push(FixesProblem::AfterParen);
        }
        // ('title') or (`title`): the quotes are the wrong ones, the title is what they hold.
        let t = inner[..end].trim();
        ['\'', '`', '‘']
            .iter()
            .find_map(|q| {
                let close = if *q == '‘' { '’' } else { *q };
                t.strip_prefix(*q).and_then(|x| x.strip_suffix(close))
            })
            .unwrap_or(t)
    } else {
        p.push(FixesProblem::NotParenthesised);
        t.trim_matches('"')
    };
    tag.title = Some(title.to_owned());
    tag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(v: &str) -> FixesTag {
        let mut t = parse_value(
            v,
            Line {
                no: 1,
                text: format!("Fixes: {v}"),
            },
        );
        t.colon = true;
        t
    }
    fn counts(v: &str) -> (usize, usize) {
        let t = tag(v);
        let errors = t.problems.iter().filter(|p| p.is_error()).count();
        (errors, t.problems.len() - errors)
    }

    #[test]
    fn forms() {
        assert_eq!(counts("0123456789ab (\"bpf: Add x\")"), (0, 0));
        assert_eq!(
            counts("0123456789abcdef (\"bpf: Add \"quoted\" x\")"),
            (0, 0)
        );
        assert_eq!(counts("0123456 (\"bpf: x\")"), (1, 0));
        assert_eq!(counts("commit 0123456789ab (\"bpf: x\")"), (1, 0));
        assert_eq!(counts("(\"bpf: x\")"), (1, 0));
        assert_eq!(counts("0123456789ab"), (1, 0));
        assert_eq!(counts("0123456789ab(\"bpf: x\")"), (1, 0));
        assert_eq!(counts("0123456789ab (bpf: x)"), (0, 1));
        assert_eq!(counts("0123456789ab (\"bpf: x\")."), (0, 1));
        assert_eq!(counts("0123456789AB (\"bpf: x\")"), (0, 1));
        assert_eq!(
            tag("0123456789ab (\"bpf: x\")").title.as_deref(),
            Some("bpf: x")
        );
        assert_eq!(
            tag("0123456789ab ('bpf: x')").title.as_deref(),
            Some("bpf: x")
        );
        assert_eq!(
            tag("0123456789ab (“bpf: x”)").title.as_deref(),
            Some("bpf: x")
        );
    }

    #[test]
    fn target_and_correction() {
        assert_eq!(
            tag("0123456789AB (\"bpf: x\")").target().as_deref(),
            Some("0123456789ab")
        );
        assert_eq!(tag("012 (\"bpf: x\")").target(), None);
        assert_eq!(
            tag("commit 0123456789AB bpf: x").corrected().as_deref(),
            Some("Fixes: 0123456789ab (\"bpf: x\")")
        );
        assert_eq!(tag("0123456 (\"bpf: x\")").corrected(), None);
    }

    #[test]
    fn colonless_lines() {
        let line = |s: &str| Line {
            no: 4,
            text: s.to_owned(),
        };
        let t = FixesTag::colonless(&line("Fixes commit 0123456789ab (\"bpf: x\")"));
        assert!(t.as_ref().is_some_and(|t| !t.colon && t.target().is_none()));
        assert_eq!(
            t.and_then(|t| t.corrected()).as_deref(),
            Some("Fixes: 0123456789ab (\"bpf: x\")")
        );
        assert!(FixesTag::colonless(&line("Fixes 0123456789ab (\"bpf: x\")")).is_some());
        assert!(FixesTag::colonless(&line("Fixes errors like:")).is_none());
        assert!(FixesTag::colonless(&line("Fixes: 0123456789ab (\"bpf: x\")")).is_none());
    }
}
