//! Properties of the parsers over generated inputs: they never panic, whatever the bytes; a
//! commit message written the way git writes one parses back into what was written; a subject
//! prefix in any token order and spelling parses back into its parts.
//!
//! 256 cases per property by default; `PROPTEST_CASES=100000 cargo test -p bpf-policy --test
//! properties` searches harder.

use bpf_policy::email::{Email, split_mbox};
use bpf_policy::input::{As, read_input};
use bpf_policy::message::{CommentChar, KNOWN_KEYS, Message, ParseOptions};
use bpf_policy::prefix::{parse_subject, tree_from_prefix_text};
use bpf_policy::render::{Format, render, reporter};
use bpf_policy::tree::Tree;
use bpf_policy::{Config, Context, check};
use proptest::prelude::*;
use proptest::sample::select;

/// Pieces of the formats the parsers know. Random bytes alone almost never get past "no
/// headers"; strung together with these, they reach hunks, encodings and trailer blocks.
const PIECES: &[&str] = &[
    "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n",
    "From someone@example.org Tue Oct  1 10:00:00 2024\n",
    "From: A U Thor <author@example.org>\n",
    "From: =?UTF-8?q?J=C3=B6rg?= <jm@example.org>\n",
    "Subject: [PATCH bpf-next v2 1/2] bpf: Add a thing\n",
    "Subject: [PATCH bpf 0/2] bpf: Cover\n",
    "Subject: Re: [PATCH bpf] x\n",
    "Subject: =?UTF-8?B?broken?=\n",
    "To: bpf@vger.kernel.org\n",
    "Cc: stable@vger.kernel.org\n",
    " folded\n",
    "Content-Transfer-Encoding: base64\n",
    "Content-Transfer-Encoding: quoted-printable\n",
    "Content-Type: multipart/mixed; boundary=\"b\"\n",
    "--b\n",
    "\n",
    "\r\n",
    "---\n",
    "--- a/kernel/bpf/verifier.c\n",
    "+++ b/kernel/bpf/verifier.c\n",
    "diff --git a/kernel/bpf/verifier.c b/kernel/bpf/verifier.c\n",
    "diff --git \"a/t\\303\\266\" \"b/t\\303\\266\"\n",
    "new file mode 100644\n",
    "deleted file mode 100644\n",
    "rename to samples/bpf/test_x.c\n",
    "@@ -1,2 +1,3 @@\n",
    "@@ -0,0 +1 @@\n",
    " context\n",
    "+added\n",
    "-removed\n",
    "\\ No newline at end of file\n",
    "Signed-off-by: A U Thor <author@example.org>\n",
    "Signed-of-by: A U Thor <author@example.org>\n",
    "Fixes: 0123456789ab (\"bpf: Add a thing\")\n",
    "Fixes : commit 0123\n",
    "Fixes commit 0123456789ab (\"bpf: Add a thing\")\n",
    "(cherry picked from commit 0123456789abcdef)\n",
    "# Please enter the commit message for your changes.\n",
    "# ------------------------ >8 ------------------------\n",
    "; Lines starting with ';' will be ignored\n",
    "--- b4-submit-tracking ---\n",
    "*** SUBJECT HERE ***\n",
    "v1 -> v2: changed\n",
    "[PATCH",
    "]",
    "4294967295/4294967295",
    "v0",
    "\u{f6}",
    "\u{FFFD}",
    "-- \n2.47.3\n",
];

fn mail_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..8),
        2 => select(PIECES).prop_map(|s| s.as_bytes().to_vec()),
    ];
    prop::collection::vec(piece, 0..48).prop_map(|v| v.concat())
}

/// Every comment setting git has, plus the input's own first character (core.commentChar may
/// be anything).
fn comment_settings(bytes: &[u8]) -> Vec<CommentChar> {
    let own = String::from_utf8_lossy(bytes)
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    vec![
        CommentChar::None,
        CommentChar::Hash,
        CommentChar::Auto,
        CommentChar::Custom(";".into()),
        CommentChar::Custom(String::new()),
        CommentChar::Custom(own),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn message_parse_never_panics(bytes in mail_like_bytes()) {
        for comment in comment_settings(&bytes) {
            let m = Message::parse(&bytes, &ParseOptions { comment, first_line: 1 });
            prop_assert!(!m.subject.contains('\n'));
            let _ = m.prose_lines().count();
            // One copy of the text: the body is a run of the lines, and every tag the parse
            // kept (trailers, other tags, Fixes:) stands on one of them.
            let numbers: std::collections::HashSet<usize> = m.lines.iter().map(|l| l.no).collect();
            let body = m.body();
            prop_assert!(body.is_empty() || m.lines.windows(body.len()).any(|w| w == body));
            for no in m.trailers.iter().chain(&m.other_tags).map(|t| t.line)
                .chain(m.fixes.iter().map(|f| f.line.no))
            {
                prop_assert!(numbers.contains(&no), "line {} is not in the message", no);
            }
            prop_assert!(m.fixes.windows(2).all(|w| w[0].line.no < w[1].line.no));
        }
    }

    #[test]
    fn email_parse_never_panics(bytes in mail_like_bytes()) {
        if let Ok(e) = Email::parse(&bytes, 1) {
            prop_assert!(e.subject_line >= 1);
        }
    }

    #[test]
    fn split_mbox_loses_nothing(bytes in mail_like_bytes()) {
        let parts = split_mbox(&bytes);
        let joined: Vec<u8> = parts.iter().flat_map(|(_, p)| p.iter().copied()).collect();
        prop_assert_eq!(&joined, &bytes);
        for (line, part) in parts {
            let _ = Email::parse(part, line);
        }
    }

    #[test]
    fn parse_subject_never_panics(s in ".*", bytes in mail_like_bytes()) {
        for subject in [s, String::from_utf8_lossy(&bytes).into_owned()] {
            let (prefix, summary) = parse_subject(&subject);
            prop_assert!(subject.contains(summary));
            if let Some(p) = prefix {
                prop_assert!(p.counter.is_none_or(|(n, m)| n <= m && m > 0));
                prop_assert!(p.version.is_none_or(|v| v >= 1));
            }
            let _ = tree_from_prefix_text(&subject);
        }
    }

    #[test]
    fn read_items_and_check_never_panic(bytes in mail_like_bytes()) {
        for mode in [As::Auto, As::Message, As::Email] {
            if let Ok(read) = read_input("prop", &bytes, mode, &CommentChar::Hash) {
                // Every email is either checked or left alone as not a patch, never dropped unsaid.
                prop_assert!(!read.items.is_empty() || !read.skipped.is_empty());
                let items = read.items;
                let diags = check(&items, &Context::default(), &Config::default());
                let _ = render(reporter(Format::Json, false).as_ref(), &diags, 1);
            }
        }
    }
}

/// A commit message as its author meant it.
#[derive(Debug, Clone)]
struct Written {
    subject: String,
    paragraphs: Vec<Vec<String>>,
    /// Key and the value's pieces: the first on the key's line, the rest on indented
    /// continuation lines.
    trailers: Vec<(String, Vec<String>)>,
    crlf: bool,
    /// What `git commit -v` leaves below the message: its comments, the scissors, the diff.
    template: bool,
}

impl Written {
    /// The file git hands to commit-msg.
    fn render(&self) -> String {
        let mut lines = vec![self.subject.clone()];
        for p in &self.paragraphs {
            lines.push(String::new());
            lines.extend(p.iter().cloned());
        }
        if !self.trailers.is_empty() {
            lines.push(String::new());
            for (key, pieces) in &self.trailers {
                let mut pieces = pieces.iter();
                lines.push(format!(
                    "{key}: {}",
                    pieces.next().map_or("", String::as_str)
                ));
                lines.extend(pieces.map(|p| format!("  {p}")));
            }
        }
        if self.template {
            lines.extend(
                [
                    "",
                    "# Please enter the commit message for your changes. Lines starting",
                    "# with '#' will be ignored, and an empty message aborts the commit.",
                    "#",
                    "# ------------------------ >8 ------------------------",
                    "# Do not modify or remove the line above.",
                    "diff --git a/kernel/bpf/core.c b/kernel/bpf/core.c",
                    "+Signed-off-by: Not A Trailer <no@example.org>",
                ]
                .map(String::from),
            );
        }
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let mut text = lines.join(eol);
        text.push_str(eol);
        text
    }

    /// The body as the parser reports it: paragraphs with one blank line between them.
    fn body(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                out.push(String::new());
            }
            out.extend(p.iter().cloned());
        }
        out
    }
}

/// A word of prose. It starts with a letter and holds no colon, so no prose line can be
/// taken for a `Key: value` tag, a comment, the `---` divider or a continuation line.
fn word() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9_.,()'/-]{0,9}"
}

fn line_of_words() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..8).prop_map(|w| w.join(" "))
}

fn subject() -> impl Strategy<Value = String> {
    ("[a-z][a-z0-9/]{0,8}", line_of_words()).prop_map(|(sys, s)| format!("{sys}: {s}"))
}

fn trailer() -> impl Strategy<Value = (String, Vec<String>)> {
    let key = prop_oneof![
        select(KNOWN_KEYS).prop_map(String::from),
        "[A-Z][a-z]{1,6}(-[a-z]{1,6}){0,2}",
    ];
    // Printable ASCII with no blank at either end: what survives trimming unchanged.
    let piece = "[!-~]([ -~]{0,30}[!-~])?";
    (key, prop::collection::vec(piece, 1..3))
}

fn written() -> impl Strategy<Value = Written> {
    (
        subject(),
        prop::collection::vec(prop::collection::vec(line_of_words(), 1..4), 0..4),
        prop::collection::vec(trailer(), 0..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(subject, paragraphs, trailers, crlf, template)| Written {
            subject,
            paragraphs,
            trailers,
            crlf,
            template,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn message_round_trips(w in written()) {
        let text = w.render();
        let m = Message::parse(text.as_bytes(), &ParseOptions::default());
        prop_assert_eq!(&m.subject, &w.subject);
        prop_assert_eq!(m.subject_line, 1);
        let body: Vec<&str> = m.body().iter().map(|l| l.text.as_str()).collect();
        prop_assert_eq!(body, w.body());
        if let Some(first) = m.body().first() {
            prop_assert_eq!(first.no, 3);
        }
        let got: Vec<(&str, &str, bool)> = m
            .trailers
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str(), t.in_block))
            .collect();
        let want: Vec<(&str, String, bool)> = w
            .trailers
            .iter()
            .map(|(k, pieces)| (k.as_str(), pieces.join(" "), true))
            .collect();
        prop_assert_eq!(got.len(), want.len());
        for (g, x) in got.iter().zip(&want) {
            prop_assert_eq!((g.0, g.1, g.2), (x.0, x.1.as_str(), x.2));
        }
        prop_assert!(m.notes.is_empty());
        prop_assert!(!m.lossy);
    }
}

/// A subject prefix's parts, and how they were written.
#[derive(Debug, Clone)]
struct Prefix {
    patch: bool,
    rfc: bool,
    resend: bool,
    tree: Option<Tree>,
    /// iproute2's trees have two spellings each (`iproute2-next`, `iproute2 net-next`).
    long_spelling: bool,
    version: Option<u32>,
    counter: Option<(u32, u32)>,
    /// Zero-pad n to m's width, as format-patch does.
    padded: bool,
    /// `[RFC][PATCH ...]` rather than `[RFC PATCH ...]`.
    rfc_apart: bool,
}

impl Prefix {
    /// The tokens of the group that holds PATCH, in canonical order; a two-word tree is one.
    fn tokens(&self) -> Vec<String> {
        let mut t = Vec::new();
        if self.rfc && !self.rfc_apart() {
            t.push("RFC".to_owned());
        }
        if self.patch {
            t.push("PATCH".to_owned());
        }
        if self.resend {
            t.push("RESEND".to_owned());
        }
        if let Some(tree) = self.tree {
            t.push(match (tree, self.long_spelling) {
                (Tree::Iproute2, true) => "iproute2 master".to_owned(),
                (Tree::Iproute2Next, true) => "iproute2 net-next".to_owned(),
                (tree, _) => tree.name().to_owned(),
            });
        }
        if let Some(v) = self.version {
            t.push(format!("v{v}"));
        }
        if let Some((n, m)) = self.counter {
            let width = if self.padded { m.to_string().len() } else { 0 };
            t.push(format!("{n:0width$}/{m}"));
        }
        t
    }

    /// A separate RFC group only makes sense beside a PATCH group.
    fn rfc_apart(&self) -> bool {
        self.rfc && self.patch && self.rfc_apart
    }
}

fn prefix() -> impl Strategy<Value = Prefix> {
    let counter = (1u32..=999).prop_flat_map(|m| (0..=m, Just(m)));
    (
        any::<[bool; 6]>(),
        prop::option::of(select(Tree::ALL.to_vec())),
        prop::option::of(1u32..=999),
        prop::option::of(counter),
    )
        .prop_map(|(b, tree, version, counter)| Prefix {
            // A prefix says PATCH or RFC (or both); one with neither is not a patch prefix.
            patch: b[0] || !b[1],
            rfc: b[1],
            resend: b[2],
            tree,
            long_spelling: b[3],
            version,
            counter,
            padded: b[4],
            rfc_apart: b[5],
        })
}

/// The prefix written out: its tokens shuffled, joined by any separator git users write.
fn written_prefix() -> impl Strategy<Value = (Prefix, String)> {
    prefix().prop_flat_map(|p| {
        let toks = p.tokens();
        let n = toks.len();
        (
            Just(p),
            Just(toks).prop_shuffle(),
            prop::collection::vec(select(vec![" ", ",", ", ", "  ", "\t"]), n + 1),
            any::<(bool, bool)>(),
            select(vec!["", " "]),
        )
            .prop_map(move |(p, toks, seps, (lead, trail), between)| {
                let mut inner = String::new();
                if lead {
                    inner.push_str(seps[n]);
                }
                for (i, t) in toks.iter().enumerate() {
                    if i > 0 {
                        inner.push_str(seps[i]);
                    }
                    inner.push_str(t);
                }
                if trail {
                    inner.push_str(seps[0]);
                }
                let text = if p.rfc_apart() {
                    format!("[RFC]{between}[{inner}]")
                } else {
                    format!("[{inner}]")
                };
                (p, text)
            })
    })
}

fn summary() -> impl Strategy<Value = String> {
    // Starts with a letter other than v, so it never reads as a misplaced `v2:`.
    "[a-uw-z][a-z]{0,6}(/[a-z]{1,5})?: [A-Z][a-z ]{0,20}[a-z]"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn subject_prefix_round_trips((p, text) in written_prefix(), summary in summary()) {
        let subject = format!("{text} {summary}");
        let (parsed, rest) = parse_subject(&subject);
        prop_assert_eq!(rest, summary.as_str());
        let Some(got) = parsed else {
            return Err(TestCaseError::fail(format!("no prefix in {subject:?}")));
        };
        prop_assert!(got.problems.is_empty(), "{:?}: {:?}", subject, got.problems);
        prop_assert!(got.other.is_empty(), "{:?}: {:?}", subject, got.other);
        prop_assert_eq!(got.patch, p.patch);
        prop_assert_eq!(got.rfc, p.rfc);
        prop_assert_eq!(got.resend, p.resend);
        prop_assert_eq!(got.tree, p.tree);
        prop_assert_eq!(got.version, p.version);
        prop_assert_eq!(got.counter, p.counter);
        prop_assert_eq!(got.groups.len(), if p.rfc_apart() { 2 } else { 1 });
    }
}
