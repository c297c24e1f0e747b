//! The kernel's MAINTAINERS file: who must receive a patch.
//!
//! Parsing and matching follow scripts/get_maintainer.pl as run with `--no-git
//! --no-git-fallback --no-rolestats`, so the addresses agree with what kernel developers get
//! from it:
//!
//! - an entry is a run of `X:` tag lines under a name line; blank lines do not end it;
//! - `F:`/`X:` patterns are prefix matches where `*` is `.*` and `?` is `.`; a pattern that
//!   ends in `/` (or names a directory) covers everything below it, any other pattern only
//!   matches paths with as many `/` as itself (so `*` does not cross into subdirectories of a
//!   file pattern);
//! - an `X:` match removes the whole entry for that file; `N:` is a regex searched in the path;
//! - `K:` regexes are searched in every line before the first file header of the patch
//!   (mail headers, message, diffstat) and in the `+`/`-` lines after it;
//! - per file, entries are taken most specific first (more `/` in the matching pattern), then
//!   keyword entries; maintainers and reviewers are kept once per name and per address,
//!   lists once per address; subscribers-only lists are left out; Linus Torvalds (THE REST's
//!   maintainer) is left out as get_maintainer.pl does.
//!
//! `.mailmap` and the people named inside touched `.yaml` bindings are the caller's to add
//! ([`Lookup::add_in_file`]); get_maintainer.pl reads both from the work tree, the callers here
//! from HEAD's tree, like MAINTAINERS.
//!
//! Speed: the file is split into entries with no regex at all; `F:`/`X:` globs are matched by
//! hand; the ~160 `N:`/`K:` regexes are compiled only when a literal they cannot match without
//! occurs in the path or patch (found once per pattern with `regex-syntax`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// What part someone plays for an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `M:`
    Maintainer,
    /// `R:`
    Reviewer,
    /// `L:`, with whether the list is moderated for non-subscribers.
    List {
        /// `(moderated for non-subscribers)`.
        moderated: bool,
    },
    /// Named inside a touched file (a `.yaml` binding's `maintainers:`), get_maintainer.pl's
    /// "in file"; see [`Lookup::add_in_file`].
    InFile,
}

/// Why an entry applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Its `F:` or `N:` patterns match this file of the patch.
    File(String),
    /// Its `K:` regex matches the patch text.
    Keyword(String),
}

impl std::fmt::Display for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Via::File(p) => f.write_str(p),
            Via::Keyword(k) => write!(f, "keyword K: {k}"),
        }
    }
}

/// One address get_maintainer.pl would print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// As get_maintainer.pl prints it with `--no-rolestats`: `Name <addr>`, `"A. Name" <addr>`
    /// or `addr`.
    pub display: String,
    /// The bare address.
    pub email: String,
    /// Maintainer, reviewer or list.
    pub role: Role,
    /// The entry's name line (`BPF [GENERAL] (Safe Dynamic Programs and Tools)`); for
    /// [`Role::InFile`], the file that names them.
    pub entry: String,
    /// What brought the entry in (the first file or keyword that did).
    pub via: Via,
}

/// Who should receive a patch or series: people (maintainers and reviewers, in the order
/// get_maintainer.pl finds them), then lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookup {
    /// Maintainers and reviewers (then the people [`Lookup::add_in_file`] adds).
    pub people: Vec<Recipient>,
    /// Mailing lists.
    pub lists: Vec<Recipient>,
    /// The files of the patches, sorted, each once, as get_maintainer.pl collects them (both
    /// names of a rename, `/dev/null` as `dev/null`).
    pub files: Vec<String>,
    /// Names and addresses (lower case) get_maintainer.pl counts as in use: everyone an
    /// entry brought, Linus Torvalds too though he is not printed.
    names: HashSet<String>,
    addresses: HashSet<String>,
}

impl Lookup {
    /// Everything, people first, as get_maintainer.pl prints it.
    pub fn all(&self) -> impl Iterator<Item = &Recipient> {
        self.people.iter().chain(self.lists.iter())
    }

    /// Add the people named inside touched files, as get_maintainer.pl adds them after
    /// MAINTAINERS' people: `found` pairs a file with the addresses
    /// [`crate::file_emails::file_emails`] read in it; `now` gives an address as `.mailmap`
    /// names its owner now. Files go in path order and each address once; one whose name or
    /// address is already in use (MAINTAINERS brought them, or an earlier file did) is left
    /// out.
    pub fn add_in_file(&mut self, found: &[(&str, Vec<String>)], now: impl Fn(&str) -> String) {
        let mut sorted: Vec<&(&str, Vec<String>)> = found.iter().collect();
        sorted.sort_by_key(|(file, _)| *file);
        let mut seen = HashSet::new();
        for (file, emails) in sorted {
            for written in emails {
                if !seen.insert(written.as_str()) {
                    continue;
                }
                let (name, address) = parse_email(&now(written));
                if address.is_empty()
                    || (!name.is_empty() && self.names.contains(&name.to_lowercase()))
                    || self.addresses.contains(&address.to_lowercase())
                {
                    continue;
                }
                if !name.is_empty() {
                    self.names.insert(name.to_lowercase());
                }
                self.addresses.insert(address.to_lowercase());
                let display = format_email(&name, &address);
                // merge_email: a list printed the same way is printed once, as this person.
                self.lists.retain(|l| l.display != display);
                self.people.push(Recipient {
                    display,
                    email: address,
                    role: Role::InFile,
                    entry: (*file).to_owned(),
                    via: Via::File((*file).to_owned()),
                });
            }
        }
    }
}

/// The list every kernel patch may reach and none must (THE REST).
pub const LKML: &str = "linux-kernel@vger.kernel.org";

/// A regex from the file (`N:` or `K:`), compiled on first need.
#[derive(Debug)]
struct LazyRegex {
    src: String,
    /// The whole pattern is plain text: a substring search answers, no regex at all.
    literal: bool,
    /// Literals one of which every match contains; `None`: no such set (always try).
    needles: OnceLock<Option<Vec<Vec<u8>>>>,
    re: OnceLock<Option<Regex>>,
}

/// Bytes that are plain text in a Perl `/x` regex.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'-'
                | b','
                | b'/'
                | b'"'
                | b'\''
                | b'@'
                | b'='
                | b'<'
                | b'>'
                | b'!'
                | b'%'
                | b'&'
                | b';'
                | b':'
                | b'~'
        )
}

/// The longest run of plain text every match must contain, found without a regex parser
/// for the simple shapes MAINTAINERS uses (`[^a-z]tegra`, `(?:\b|_)bpf(?:\b|_)`,
/// `bcm[9]?6878`): text inside groups or classes, escapes, and characters made optional by
/// a quantifier are skipped; a top-level `|` or any white space gives up.
fn required_literal(src: &str) -> Option<&str> {
    // Case-insensitive parts do not match their text as written.
    if src.contains("(?i") {
        return None;
    }
    let b = src.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut best: Option<(usize, usize)> = None;
    let mut run_start: Option<usize> = None;
    let close = |best: &mut Option<(usize, usize)>, start: Option<usize>, end: usize| {
        if let Some(s) = start
            && end > s
            && best.is_none_or(|(bs, be)| end - s > be - bs)
        {
            *best = Some((s, end));
        }
    };
    while i < b.len() {
        let c = b[i];
        if depth == 0 && plain(c) {
            // A quantifier that allows zero of this character ends the run before it.
            if matches!(b.get(i + 1), Some(b'?' | b'*' | b'{')) {
                close(&mut best, run_start.take(), i);
                i += 2;
                continue;
            }
            run_start.get_or_insert(i);
            i += 1;
            continue;
        }
        close(&mut best, run_start.take(), i);
        match c {
            b'\\' => i += 2,
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'[' => {
                // Skip the class: `]` right after `[` or `[^` is part of it.
                let mut j = i + 1;
                if b.get(j) == Some(&b'^') {
                    j += 1;
                }
                if b.get(j) == Some(&b']') {
                    j += 1;
                }
                while j < b.len() && b[j] != b']' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                i = j + 1;
            }
            b'|' if depth == 0 => return None,
            c if c.is_ascii_whitespace() || c == b'#' => return None,
            _ => i += 1,
        }
    }
    close(&mut best, run_start, b.len());
    best.filter(|(s, e)| e - s >= 2).map(|(s, e)| &src[s..e])
}

impl LazyRegex {
    fn new(src: &str) -> LazyRegex {
        let src = src.trim_end();
        LazyRegex {
            src: src.to_owned(),
            literal: !src.is_empty() && src.bytes().all(plain),
            needles: OnceLock::new(),
            re: OnceLock::new(),
        }
    }

    /// Perl's `/x` flag: white space in the pattern is not matched.
    fn pattern(&self) -> String {
        format!("(?x){}", self.src)
    }

    fn needles(&self) -> Option<&[Vec<u8>]> {
        self.needles
            .get_or_init(|| {
                if let Some(lit) = required_literal(&self.src) {
                    return Some(vec![lit.as_bytes().to_vec()]);
                }
                let hir = regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(&self.pattern())
                    .ok()?;
                for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
                    let seq = Extractor::new().kind(kind).extract(&hir);
                    if let Some(lits) = seq.literals()
                        && !lits.is_empty()
                        && lits.iter().all(|l| !l.as_bytes().is_empty())
                    {
                        return Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect());
                    }
                }
                None
            })
            .as_deref()
    }

    /// Whether the haystack can hold a match at all (cheap: substring search).
    fn may_match(&self, haystack: &str) -> bool {
        if self.literal {
            return memchr::memmem::find(haystack.as_bytes(), self.src.as_bytes()).is_some();
        }
        match self.needles() {
            Some(lits) => {
                let h = haystack.as_bytes();
                lits.iter().any(|l| memchr::memmem::find(h, l).is_some())
            }
            None => true,
        }
    }

    fn regex(&self) -> Option<&Regex> {
        self.re
            .get_or_init(|| Regex::new(&self.pattern()).ok())
            .as_ref()
    }

    fn is_match(&self, haystack: &str) -> bool {
        if self.literal {
            return self.may_match(haystack);
        }
        self.may_match(haystack) && self.regex().is_some_and(|r| r.is_match(haystack))
    }

    /// A match that starts at or after `from` (context before it still counts for `\b`).
    fn find_from(&self, haystack: &str, from: usize) -> bool {
        let Some(rest) = haystack.get(from..) else {
            return false;
        };
        if self.literal {
            return self.may_match(rest);
        }
        self.may_match(rest)
            && self
                .regex()
                .is_some_and(|r| r.find_at(haystack, from).is_some())
    }
}

/// One element of an `F:`/`X:` pattern after get_maintainer.pl's conversion to a regex.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Byte(u8),
    /// `?` (regex `.`): one character.
    Any,
    /// `*` (regex `.*`).
    Star,
    /// `[ch]`, `[^a-z]`: ranges of bytes (ASCII classes, which is all the file has).
    Class {
        negated: bool,
        ranges: Vec<(u8, u8)>,
    },
}

/// An `F:` or `X:` pattern.
#[derive(Debug)]
struct FilePattern {
    /// Literal text up to the first wildcard: a cheap first test.
    prefix: String,
    /// The rest, as atoms; empty when the pattern is all literal.
    rest: Vec<Atom>,
    /// Ends in `/`: covers everything below.
    dir: bool,
    /// A plain path without a trailing `/`: get_maintainer.pl treats it as a directory when
    /// one by that name exists (`-d`); here, when a file of the patch lies below it.
    maybe_dir: bool,
    /// Number of `/` in the pattern.
    slashes: usize,
    /// A pattern with regex syntax the glob matcher does not model (`\*`), matched as the
    /// regex get_maintainer.pl builds from it.
    fallback: Option<LazyRegex>,
}

impl FilePattern {
    fn parse(value: &str) -> FilePattern {
        let slashes = value.bytes().filter(|&b| b == b'/').count();
        let dir = value.ends_with('/');
        let plain = !value
            .bytes()
            .any(|b| matches!(b, b'.' | b'*' | b'?' | b'[' | b'\\'));
        let mut pat = FilePattern {
            prefix: String::new(),
            rest: Vec::new(),
            dir,
            maybe_dir: plain && !dir && !value.is_empty(),
            slashes,
            fallback: None,
        };
        // Characters other than . * ? stay regex syntax in get_maintainer.pl; model the
        // classes the file uses and hand anything else to the regex engine.
        if value.bytes().any(|b| b"\\+(){}|^$".contains(&b)) {
            pat.fallback = Some(LazyRegex::new(&perl_file_regex(value)));
            return pat;
        }
        let b = value.as_bytes();
        let mut i = 0;
        let mut atoms = Vec::new();
        while i < b.len() {
            match b[i] {
                b'*' => atoms.push(Atom::Star),
                b'?' => atoms.push(Atom::Any),
                b'[' => match parse_class(&b[i + 1..]) {
                    Some((atom, used)) => {
                        atoms.push(atom);
                        i += used;
                    }
                    None => {
                        pat.fallback = Some(LazyRegex::new(&perl_file_regex(value)));
                        return pat;
                    }
                },
                c => atoms.push(Atom::Byte(c)),
            }
            i += 1;
        }
        let lit = atoms
            .iter()
            .take_while(|a| matches!(a, Atom::Byte(_)))
            .count();
        pat.prefix = String::from_utf8_lossy(&b[..lit]).into_owned();
        pat.rest = atoms.split_off(lit);
        pat
    }

    /// Whether this pattern matches `file`; `is_dir` answers for plain paths without `/`.
    fn matches(&self, file: &str, is_dir: &dyn Fn(&str) -> bool) -> bool {
        if let Some(re) = &self.fallback {
            let Some(r) = re.regex() else { return false };
            return r.find(file).is_some_and(|m| m.start() == 0)
                && (self.dir || file.bytes().filter(|&c| c == b'/').count() == self.slashes);
        }
        let Some(after) = file.strip_prefix(self.prefix.as_str()) else {
            return false;
        };
        // A plain path naming a directory is that directory with a `/` added.
        if self.maybe_dir && is_dir(&self.prefix) {
            return after.starts_with('/');
        }
        glob_prefix(&self.rest, after.as_bytes())
            && (self.dir || file.bytes().filter(|&c| c == b'/').count() == self.slashes)
    }
}

/// `[ch]` after the `[`: the class and how many bytes it used (closing `]` included).
fn parse_class(b: &[u8]) -> Option<(Atom, usize)> {
    let mut i = 0;
    let negated = b.first() == Some(&b'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let start = i;
    while i < b.len() {
        let c = b[i];
        if c == b']' && i > start {
            return Some((Atom::Class { negated, ranges }, i + 1));
        }
        if matches!(c, b'\\' | b'[' | b'.' | b'*' | b'?') || !c.is_ascii() {
            return None;
        }
        if b.get(i + 1) == Some(&b'-') && b.get(i + 2).is_some_and(|&e| e != b']') {
            ranges.push((c, b[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    None
}

/// The regex get_maintainer.pl makes of an `F:` value: `.` -> `\.`, `*` -> `.*`, `?` -> `.`,
/// anchored at the start only.
fn perl_file_regex(value: &str) -> String {
    let mut out = String::from("^");
    for c in value.chars() {
        match c {
            '.' => out.push_str(r"\."),
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            ' ' => out.push_str(r"\ "),
            '#' => out.push_str(r"\#"),
            c => out.push(c),
        }
    }
    out
}

/// Whether the atoms match a prefix of `s` (`*` any run, `?` one character).
fn glob_prefix(atoms: &[Atom], s: &[u8]) -> bool {
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if i == atoms.len() {
            return true;
        }
        if atoms[i] == Atom::Star {
            star = Some((i, j));
            i += 1;
            continue;
        }
        let step = if j < s.len() {
            match &atoms[i] {
                Atom::Byte(c) => (s[j] == *c).then_some(1),
                Atom::Any => (s[j] != b'\n').then(|| utf8_len(s[j])),
                Atom::Class { negated, ranges } => {
                    let inside = ranges.iter().any(|&(a, b)| (a..=b).contains(&s[j]));
                    (inside != *negated).then(|| if inside { 1 } else { utf8_len(s[j]) })
                }
                Atom::Star => None,
            }
        } else {
            None
        };
        match step {
            Some(n) => {
                i += 1;
                j = (j + n).min(s.len());
            }
            None => match star {
                // `.*` takes one more character and the rest is tried again.
                Some((si, sj)) if sj < s.len() && s[sj] != b'\n' => {
                    let nj = (sj + utf8_len(s[sj])).min(s.len());
                    star = Some((si, nj));
                    i = si + 1;
                    j = nj;
                }
                _ => return false,
            },
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// A tag line of an entry: its letter and where its value lies in the file's text.
#[derive(Debug, Clone, Copy)]
struct TagLine {
    tag: u8,
    start: u32,
    end: u32,
    /// For `N:` lines, the index of its regex.
    regex: u32,
}

/// One entry (section) of MAINTAINERS: its name line and its tag lines, as ranges.
#[derive(Debug, Clone, Copy)]
struct Entry {
    name: (u32, u32),
    tags: (u32, u32),
}

#[derive(Debug)]
struct Keyword {
    entry: usize,
    /// Position of the `K:` line among get_maintainer.pl's type/value lines; it orders
    /// keyword entries (as strings, as Perl's `sort` does).
    tvi: usize,
    regex: usize,
}

/// A MAINTAINERS file: its text, and the index of its entries, built on the first question
/// that needs it.
///
/// Indexing only finds the lines: values stay in the text and patterns are interpreted when a
/// file is matched (most `F:` values are plain paths that a byte comparison settles). A
/// question about a few entries by name ([`Maintainers::named`]) needs no index at all: the
/// commit-msg hook asks only that.
#[derive(Debug)]
pub struct Maintainers {
    text: Box<str>,
    index: OnceLock<Index>,
}

/// Where the entries, tag lines and regexes of a MAINTAINERS text are.
#[derive(Debug)]
struct Index {
    entries: Vec<Entry>,
    tags: Vec<TagLine>,
    regexes: Vec<LazyRegex>,
    keywords: Vec<Keyword>,
}

fn tag_line(line: &str) -> Option<(u8, usize)> {
    let b = line.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_uppercase() && b[1] == b':' {
        let ws = b[2..]
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
        Some((b[0], 2 + ws))
    } else {
        None
    }
}

/// Bytes of an `F:`/`X:` value that are not plain text for get_maintainer.pl (`.` is: it
/// becomes `\.`).
fn glob_special(b: u8) -> bool {
    matches!(
        b,
        b'*' | b'?' | b'[' | b']' | b'\\' | b'+' | b'(' | b')' | b'{' | b'}' | b'|' | b'^' | b'$'
    )
}

/// An `F:`/`X:` value against a file. Plain values (nearly all) are settled by comparing
/// bytes; values with wildcards whose plain start matches are interpreted then.
fn file_matches(value: &str, file: &str, is_dir: &dyn Fn(&str) -> bool) -> bool {
    let (v, f) = (value.as_bytes(), file.as_bytes());
    let mut i = 0;
    while i < v.len() && !glob_special(v[i]) {
        if f.get(i) != Some(&v[i]) {
            return false;
        }
        i += 1;
    }
    if i < v.len() {
        return FilePattern::parse(value).matches(file, is_dir);
    }
    if value.ends_with('/') {
        return true;
    }
    let after = &file[i..];
    if !value.contains('.') && is_dir(value) {
        return after.starts_with('/');
    }
    slashes(file) == slashes(value)
}

fn slashes(s: &str) -> usize {
    s.bytes().filter(|&c| c == b'/').count()
}

/// get_maintainer.pl's pattern depth of an `F:` value.
fn depth(value: &str) -> i64 {
    if value.starts_with('*') {
        return -1;
    }
    slashes(value) as i64 + i64::from(!value.ends_with('/'))
}

impl Index {
    fn build(text: &str) -> Index {
        let mut m = Index {
            entries: Vec::with_capacity(4096),
            tags: Vec::with_capacity(32 * 1024),
            regexes: Vec::new(),
            keywords: Vec::new(),
        };
        let mut in_entry = false;
        let mut name = (0u32, 0u32);
        let mut tvi = 0usize;
        let mut pos = 0usize;
        for raw in text.split_inclusive('\n') {
            let start = pos;
            pos += raw.len();
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            let line = line.strip_suffix('\r').unwrap_or(line);
            let Some((t, value_at)) = tag_line(line) else {
                let trimmed = line.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                // Any other text line ends the entry and names the next one.
                in_entry = false;
                name = (start as u32, (start + line.len()) as u32);
                tvi += 1;
                continue;
            };
            if !in_entry {
                let at = m.tags.len() as u32;
                m.entries.push(Entry {
                    name,
                    tags: (at, at),
                });
                in_entry = true;
            }
            let (vs, ve) = (start + value_at.min(line.len()), start + line.len());
            let mut regex = u32::MAX;
            if matches!(t, b'N' | b'K') {
                m.regexes.push(LazyRegex::new(&text[vs..ve]));
                regex = (m.regexes.len() - 1) as u32;
                if t == b'K' {
                    m.keywords.push(Keyword {
                        entry: m.entries.len() - 1,
                        tvi,
                        regex: regex as usize,
                    });
                }
            }
            m.tags.push(TagLine {
                tag: t,
                start: vs as u32,
                end: ve as u32,
                regex,
            });
            if let Some(e) = m.entries.last_mut() {
                e.tags.1 = m.tags.len() as u32;
            }
            tvi += 1;
        }
        m
    }
}

impl Maintainers {
    /// Parse the file's text. Nothing in it is an error: lines get_maintainer.pl would ignore
    /// are ignored here too. (A file over 4 GiB is cut there: no MAINTAINERS is that big.)
    pub fn parse(text: &str) -> Maintainers {
        let m = Maintainers::from_text(text.to_owned());
        m.ix();
        m
    }

    /// The file's text, kept as it is; it is indexed when a question first needs it (see
    /// [`Maintainers::named`] for one that does not).
    pub fn from_text(mut text: String) -> Maintainers {
        if text.len() > u32::MAX as usize {
            let mut cut = u32::MAX as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        Maintainers {
            text: text.into_boxed_str(),
            index: OnceLock::new(),
        }
    }

    fn ix(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.text))
    }

    fn value(&self, t: &TagLine) -> &str {
        &self.text[t.start as usize..t.end as usize]
    }

    fn tags_of(&self, e: &Entry) -> &[TagLine] {
        &self.ix().tags[e.tags.0 as usize..e.tags.1 as usize]
    }

    fn name_of(&self, e: &Entry) -> &str {
        &self.text[e.name.0 as usize..e.name.1 as usize]
    }

    /// The file's text, as parsed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.ix().entries.len()
    }

    /// Whether the file held no entries.
    pub fn is_empty(&self) -> bool {
        self.ix().entries.is_empty()
    }

    /// Names of the entries whose `F:`/`N:` patterns cover `path` (and no `X:` excludes it),
    /// most specific first. Keywords are not consulted.
    pub fn entries_for_path(&self, path: &str) -> Vec<&str> {
        let files = [path.to_owned()];
        let is_dir = dir_oracle(&files);
        self.matching(path, &is_dir)
            .into_iter()
            .map(|(e, _)| self.name_of(&self.ix().entries[e]))
            .collect()
    }

    /// The entries whose name line, less leading white space, starts with one of `prefixes`
    /// (which must not start with white space), as a file of their own: the same entries with
    /// the same tag lines, in the same order, as indexing the whole file and keeping those.
    ///
    /// It needs no index of the whole file: the names are found by substring search and only
    /// the lines of those entries are read, so asking about the BPF and networking entries of
    /// the kernel's file costs a fraction of indexing its 3,000 entries.
    pub fn named(&self, prefixes: &[&str]) -> Maintainers {
        let text: &str = &self.text;
        let mut starts: Vec<usize> = Vec::new();
        for p in prefixes {
            if p.is_empty() || p.starts_with(char::is_whitespace) {
                continue;
            }
            for hit in memchr::memmem::find_iter(text.as_bytes(), p.as_bytes()) {
                let line_start = text[..hit].rfind('\n').map_or(0, |i| i + 1);
                if text[line_start..hit].chars().all(char::is_whitespace) {
                    starts.push(line_start);
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let mut out = String::new();
        for at in starts {
            // As `Index::build` reads it: a text line names the entry whose tag lines follow
            // (blank and `#` lines between them are skipped); a text line with no tag lines
            // after it names nothing.
            let mut lines = text[at..].split_inclusive('\n').map(|raw| {
                let line = raw.strip_suffix('\n').unwrap_or(raw);
                line.strip_suffix('\r').unwrap_or(line)
            });
            let Some(name) = lines.next().filter(|l| tag_line(l).is_none()) else {
                continue;
            };
            let mut tags = String::new();
            for line in lines {
                if tag_line(line).is_some() {
                    tags.push_str(line);
                    tags.push('\n');
                    continue;
                }
                let trimmed = line.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                break;
            }
            if !tags.is_empty() {
                out.push_str(name);
                out.push('\n');
                out.push_str(&tags);
            }
        }
        Maintainers::from_text(out)
    }

    /// The first of `files` that an entry covers by its `F:` or `N:` patterns without an `X:`
    /// pattern excluding it, as [`Maintainers::lookup_files`] would match it.
    pub fn first_covered<'f>(&self, files: &[&'f str]) -> Option<&'f str> {
        let owned: Vec<String> = files.iter().map(|f| (*f).to_owned()).collect();
        let is_dir = dir_oracle(&owned);
        files
            .iter()
            .copied()
            .find(|f| !self.matching(f, &is_dir).is_empty())
    }

    /// The addresses of every `M:`, `R:` and `L:` line, in file order, with their role (a
    /// list's `(moderated ...)` remark and a person's name left out).
    pub fn addresses(&self) -> impl Iterator<Item = (Role, String)> + '_ {
        let ix = self.ix();
        ix.tags.iter().filter_map(move |t| {
            let value = self.value(t);
            let role = match t.tag {
                b'M' => Role::Maintainer,
                b'R' => Role::Reviewer,
                b'L' => Role::List {
                    moderated: value.contains("moderated"),
                },
                _ => return None,
            };
            let (_, address) = parse_email(value);
            (!address.is_empty()).then_some((role, address))
        })
    }

    /// The names of the entries, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.ix().entries.iter().map(|e| self.name_of(e))
    }

    /// Entries matching one file, most specific first (ties in file order).
    fn matching(&self, file: &str, is_dir: &dyn Fn(&str) -> bool) -> Vec<(usize, i64)> {
        let mut hits: Vec<(usize, i64)> = Vec::new();
        let ix = self.ix();
        for (idx, e) in ix.entries.iter().enumerate() {
            let tags = self.tags_of(e);
            // The last matching pattern of the entry sets its depth, as in get_maintainer.pl.
            let mut found = None;
            for t in tags {
                match t.tag {
                    b'F' if file_matches(self.value(t), file, is_dir) => {
                        found = Some(depth(self.value(t)));
                    }
                    b'N' if ix.regexes[t.regex as usize].is_match(file) => found = Some(0),
                    _ => {}
                }
            }
            let Some(d) = found else { continue };
            if tags
                .iter()
                .any(|t| t.tag == b'X' && file_matches(self.value(t), file, is_dir))
            {
                continue;
            }
            hits.push((idx, d));
        }
        // Stable: entries of equal depth stay in file order.
        hits.sort_by_key(|h| std::cmp::Reverse(h.1));
        hits
    }

    /// The recipients of one or more patches (given as their text), as
    /// `get_maintainer.pl --no-git --no-git-fallback --no-rolestats` finds them for the same
    /// files, except linux-kernel@vger.kernel.org is kept (callers decide about it).
    pub fn lookup<S: AsRef<str>>(&self, patches: &[S]) -> Lookup {
        let mut files: Vec<String> = Vec::new();
        let mut keyword_hits: Vec<usize> = Vec::new();
        for p in patches {
            self.scan(p.as_ref(), &mut files, &mut keyword_hits);
        }
        files.sort();
        files.dedup();
        self.lookup_parts(&files, &keyword_hits)
    }

    /// The same for a list of paths alone (`get_maintainer.pl -f`): no keywords.
    pub fn lookup_files(&self, paths: &[String]) -> Lookup {
        let mut files = paths.to_vec();
        files.sort();
        files.dedup();
        self.lookup_parts(&files, &[])
    }

    fn lookup_parts(&self, files: &[String], keyword_hits: &[usize]) -> Lookup {
        let ix = self.ix();
        let mut acc = Accumulator {
            files: files.to_vec(),
            ..Accumulator::default()
        };
        let is_dir = dir_oracle(files);
        for f in files {
            for (e, _) in self.matching(f, &is_dir) {
                acc.add(self, &ix.entries[e], &Via::File(f.clone()));
            }
        }
        // Perl sorts the K: line positions as strings.
        let mut kw: Vec<&Keyword> = keyword_hits
            .iter()
            .filter_map(|&k| ix.keywords.get(k))
            .collect();
        kw.sort_by_key(|k| k.tvi.to_string());
        kw.dedup_by_key(|k| k.tvi);
        for k in kw {
            acc.add(
                self,
                &ix.entries[k.entry],
                &Via::Keyword(ix.regexes[k.regex].src.clone()),
            );
        }
        acc.finish()
    }

    /// Read one patch the way get_maintainer.pl does: collect file names from diff headers,
    /// and test the keywords against every other line (only `+`/`-` lines once the diff has
    /// begun).
    fn scan(&self, text: &str, files: &mut Vec<String>, keyword_hits: &mut Vec<usize>) {
        let ix = self.ix();
        let mut in_diff = false;
        // Keywords with a chance to match anywhere in this patch.
        let candidates: Vec<usize> = (0..ix.keywords.len())
            .filter(|&k| ix.regexes[ix.keywords[k].regex].may_match(text))
            .collect();
        for line in text.split_inclusive('\n') {
            if let Some(f) = mode_change(line) {
                files.push(f.to_owned());
            } else if let Some(f) = rename_line(line) {
                files.push(f.to_owned());
            } else if let Some((a, b)) = diff_git(line) {
                files.push(a.to_owned());
                files.push(b.to_owned());
            } else if is_fixes_line(line) {
            } else if let Some(f) = file_header(line) {
                let f = match f.find('/') {
                    Some(i) => &f[i + 1..],
                    None => f,
                };
                files.push(f.to_owned());
                in_diff = true;
            } else if is_hunk_header(line) {
            } else {
                if in_diff && !(line.starts_with('+') || line.starts_with('-')) {
                    continue;
                }
                let from = usize::from(in_diff);
                for &k in &candidates {
                    if keyword_hits.contains(&k) {
                        continue;
                    }
                    if ix.regexes[ix.keywords[k].regex].find_from(line, from) {
                        keyword_hits.push(k);
                    }
                }
            }
        }
    }
}

/// get_maintainer.pl's `-d $value`: here, a plain path is a directory when a file of the
/// patch lies below it.
fn dir_oracle(files: &[String]) -> impl Fn(&str) -> bool + '_ {
    move |p: &str| {
        files
            .iter()
            .any(|f| f.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// The first run of non-space characters and what follows it.
fn token(s: &str) -> Option<(&str, &str)> {
    let end = s.find(is_space).unwrap_or(s.len());
    (end > 0).then(|| (&s[..end], &s[end..]))
}

fn only_space(s: &str) -> bool {
    s.chars().all(is_space)
}

/// `^ mode change [0-7]+ => [0-7]+ (\S+)\s*$`
fn mode_change(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(" mode change ")?;
    let octal = |s: &str| -> Option<usize> {
        let n = s.bytes().take_while(|b| (b'0'..=b'7').contains(b)).count();
        (n > 0).then_some(n)
    };
    let n = octal(rest)?;
    let rest = rest[n..].strip_prefix(" => ")?;
    let n = octal(rest)?;
    let rest = rest[n..].strip_prefix(' ')?;
    let (f, after) = token(rest)?;
    only_space(after).then_some(f)
}

/// `^rename (?:from|to) (\S+)\s*$`
fn rename_line(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("rename from ")
        .or_else(|| line.strip_prefix("rename to "))?;
    let (f, after) = token(rest)?;
    only_space(after).then_some(f)
}

/// `^diff --git a\/(\S+) b\/(\S+)\s*$`
fn diff_git(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("diff --git a/")?;
    let (a, after) = token(rest)?;
    let rest = after.strip_prefix(" b/")?;
    let (b, after) = token(rest)?;
    only_space(after).then_some((a, b))
}

/// `^Fixes:\s+([0-9a-fA-F]{6,40})`
fn is_fixes_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("Fixes:") else {
        return false;
    };
    let t = rest.trim_start_matches(is_space);
    t.len() < rest.len() && t.bytes().take_while(u8::is_ascii_hexdigit).count() >= 6
}

/// `^\+\+\+\s+(\S+)` or `^---\s+(\S+)`
fn file_header(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("+++")
        .or_else(|| line.strip_prefix("---"))?;
    let t = rest.trim_start_matches(is_space);
    if t.len() == rest.len() {
        return None;
    }
    token(t).map(|(f, _)| f)
}

/// `^\@\@ -(\d+),(\d+)`
fn is_hunk_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("@@ -") else {
        return false;
    };
    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
    n > 0
        && rest[n..]
            .strip_prefix(',')
            .is_some_and(|r| r.bytes().next().is_some_and(|b| b.is_ascii_digit()))
}

/// get_maintainer.pl's bookkeeping while entries are added.
#[derive(Default)]
struct Accumulator {
    people: Vec<Recipient>,
    lists: Vec<Recipient>,
    names: HashSet<String>,
    addresses: HashSet<String>,
    list_seen: HashSet<String>,
    files: Vec<String>,
}

impl Accumulator {
    fn add(&mut self, m: &Maintainers, e: &Entry, via: &Via) {
        let entry = m.name_of(e);
        for t in m.tags_of(e) {
            let value = m.value(t);
            match t.tag {
                b'L' => {
                    let (address, extra) = match value.split_once(is_space) {
                        Some((a, rest)) if !rest.trim().is_empty() => (a, rest),
                        _ => (value.trim_end(), ""),
                    };
                    if extra.contains("subscribers-only")
                        || !self.list_seen.insert(address.to_lowercase())
                    {
                        continue;
                    }
                    self.lists.push(Recipient {
                        display: address.to_owned(),
                        email: address.to_owned(),
                        role: Role::List {
                            moderated: extra.contains("moderated"),
                        },
                        entry: entry.to_owned(),
                        via: via.clone(),
                    });
                }
                b'M' | b'R' => {
                    let role = if t.tag == b'M' {
                        Role::Maintainer
                    } else {
                        Role::Reviewer
                    };
                    let (name, address) = parse_email(value);
                    if address.is_empty() {
                        continue;
                    }
                    if (!name.is_empty() && self.names.contains(&name.to_lowercase()))
                        || self.addresses.contains(&address.to_lowercase())
                    {
                        continue;
                    }
                    if !name.is_empty() {
                        self.names.insert(name.to_lowercase());
                    }
                    self.addresses.insert(address.to_lowercase());
                    self.people.push(Recipient {
                        display: format_email(&name, &address),
                        email: address,
                        role,
                        entry: entry.to_owned(),
                        via: via.clone(),
                    });
                }
                _ => {}
            }
        }
    }

    fn finish(mut self) -> Lookup {
        // deduplicate_email: a list that is also someone's address prints as that person.
        let by_address: HashMap<String, String> = self
            .people
            .iter()
            .map(|p| (p.email.to_lowercase(), p.display.clone()))
            .collect();
        for l in &mut self.lists {
            if let Some(d) = by_address.get(&l.email.to_lowercase()) {
                l.display = d.clone();
            }
        }
        // get_maintainer.pl leaves out the chief penguin unless asked for him.
        self.people
            .retain(|p| p.display != "Linus Torvalds <torvalds@linux-foundation.org>");
        // merge_email: one line per printed address.
        let mut seen = HashSet::new();
        self.people.retain(|p| seen.insert(p.display.clone()));
        self.lists.retain(|l| seen.insert(l.display.clone()));
        Lookup {
            people: self.people,
            lists: self.lists,
            files: self.files,
            names: self.names,
            addresses: self.addresses,
        }
    }
}

/// get_maintainer.pl's parse_email: (name, address) of `Name <addr>`, `<addr>` or `addr ...`.
pub fn parse_email(s: &str) -> (String, String) {
    let (mut name, address) = if let Some(lt) = s.find('<')
        && lt > 0
        && let Some(gt) = s.rfind('>')
        && gt > lt
        && s[lt + 1..gt].contains('@')
    {
        (s[..lt].to_owned(), s[lt + 1..gt].to_owned())
    } else if let Some(rest) = s.trim_start().strip_prefix('<')
        && let Some(gt) = rest.rfind('>')
        && rest[..gt].contains('@')
    {
        (String::new(), rest[..gt].to_owned())
    } else if let Some(at) = s.rfind('@')
        && at > 0
    {
        let end = s[at..].find(is_space).map_or(s.len(), |i| at + i);
        (String::new(), s[..end].to_owned())
    } else {
        (String::new(), String::new())
    };
    name = strip_quotes(name.trim()).to_owned();
    (escape_name(&name), address.trim().to_owned())
}

fn strip_quotes(s: &str) -> &str {
    let s = s.strip_prefix('"').unwrap_or(s);
    s.strip_suffix('"').unwrap_or(s)
}

/// Names with anything but ASCII letters, digits, `_`, space and `-` are quoted.
fn escape_name(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ' || c == '-')
    {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    let mut prev = None;
    for c in name.chars() {
        if c == '"' && prev != Some('\\') {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
    }
    out.push('"');
    out
}

/// get_maintainer.pl's format_email with names: `Name <addr>`, the name quoted when it holds
/// anything but ASCII letters, digits, `_`, `-` and spaces.
pub fn format_email(name: &str, address: &str) -> String {
    let name = escape_name(strip_quotes(name.trim()));
    let address = address.trim();
    if name.is_empty() {
        address.to_owned()
    } else {
        format!("{name} <{address}>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
Intro text
\tM: *Mail* patches to: FullName <address@domain>

BPF [GENERAL]
M:\tAlexei Starovoitov <ast@kernel.org>
R:\t\"A. Reviewer\" <rev@example.org>
L:\tbpf@vger.kernel.org
S:\tSupported
F:\tarch/*/net/*
F:\tkernel/bpf/
F:\tinclude/linux/bpf*
X:\tkernel/bpf/skip.c
K:\t(?:\\b|_)bpf(?:\\b|_)

BPF [NETWORKING]
M:\tAlexei Starovoitov <alexei@other.example>
L:\tnetdev@vger.kernel.org
L:\tsecret@example.org (subscribers-only)
F:\tnet/core/filter.c

CLASSES
M:\tC Maint <c@example.org>
L:\tc@lists.example.org (moderated for non-subscribers)
F:\tdrivers/edac/mpc85xx_edac.[ch]
F:\tdrivers/acpi/arm64
N:\t[^a-z]tegra

THE REST
M:\tLinus Torvalds <torvalds@linux-foundation.org>
L:\tlinux-kernel@vger.kernel.org
F:\t*
F:\t*/
";

    fn files(m: &Maintainers, paths: &[&str]) -> Vec<String> {
        let v: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
        m.lookup_files(&v)
            .all()
            .map(|r| r.display.clone())
            .collect()
    }

    #[test]
    fn globs_directories_and_exclusions() {
        let m = Maintainers::parse(FILE);
        assert_eq!(m.len(), 4);
        assert_eq!(
            files(&m, &["kernel/bpf/core.c"]),
            [
                "Alexei Starovoitov <ast@kernel.org>",
                "\"A. Reviewer\" <rev@example.org>",
                "bpf@vger.kernel.org",
                "linux-kernel@vger.kernel.org"
            ]
        );
        // X: removes the entry; `*` in a file pattern does not cross a `/`.
        assert_eq!(
            files(&m, &["kernel/bpf/skip.c"]),
            ["linux-kernel@vger.kernel.org"]
        );
        assert_eq!(
            files(&m, &["arch/x86/net/bpf_jit_comp.c"]).len(),
            4,
            "arch/*/net/* covers the JIT"
        );
        assert_eq!(
            files(&m, &["arch/x86/net/sub/x.c"]),
            ["linux-kernel@vger.kernel.org"]
        );
        // A maintainer met again by name (other address) is not repeated; subscribers-only
        // lists are left out.
        assert_eq!(
            files(&m, &["kernel/bpf/a.c", "net/core/filter.c"]),
            [
                "Alexei Starovoitov <ast@kernel.org>",
                "\"A. Reviewer\" <rev@example.org>",
                "bpf@vger.kernel.org",
                "linux-kernel@vger.kernel.org",
                "netdev@vger.kernel.org",
            ]
        );
        assert_eq!(
            files(&m, &["drivers/edac/mpc85xx_edac.h"])[..2],
            ["C Maint <c@example.org>", "c@lists.example.org"]
        );
        assert_eq!(files(&m, &["drivers/edac/mpc85xx_edac.o"]).len(), 1);
        // A plain path is a directory when the file is below it.
        assert_eq!(files(&m, &["drivers/acpi/arm64/iort.c"]).len(), 3);
        assert_eq!(files(&m, &["drivers/gpu/host1x/x-tegra.c"]).len(), 3);
        assert_eq!(files(&m, &["drivers/gpu/tegra.c"]).len(), 3);
        assert_eq!(files(&m, &["drivers/gpu/ntegra.c"]).len(), 1);
    }

    #[test]
    fn keywords_in_message_and_changed_lines_only() {
        let m = Maintainers::parse(FILE);
        let patch = |subject: &str, ctx: &str| {
            format!(
                "From: A <a@example.org>\nSubject: {subject}\n\nWhy.\n---\n lib/x.c | 1 +\n\ndiff --git a/lib/x.c b/lib/x.c\n--- a/lib/x.c\n+++ b/lib/x.c\n@@ -1,2 +1,2 @@\n {ctx}\n-a\n+b\n"
            )
        };
        let who =
            |p: String| -> Vec<String> { m.lookup(&[p]).all().map(|r| r.email.clone()).collect() };
        assert!(who(patch("[PATCH] bpf: x", "y")).contains(&"bpf@vger.kernel.org".to_owned()));
        assert!(
            !who(patch("[PATCH] lib: x", "bpf here")).contains(&"bpf@vger.kernel.org".to_owned())
        );
        let l = m.lookup(&[patch("[PATCH] lib: x_bpf_y", "z")]);
        assert_eq!(
            l.lists[1].via,
            Via::Keyword(r"(?:\b|_)bpf(?:\b|_)".to_owned())
        );
    }

    #[test]
    fn names_as_get_maintainer_prints_them() {
        assert_eq!(
            parse_email("\"James E.J. Bottomley\" <J@H.com>"),
            ("\"James E.J. Bottomley\"".to_owned(), "J@H.com".to_owned())
        );
        assert_eq!(
            format_email("Ilpo Järvinen", "i@x.org"),
            "\"Ilpo Järvinen\" <i@x.org>"
        );
        assert_eq!(
            parse_email("Paulo Alcantara <pc@m.org> (DFS, global name space)").1,
            "pc@m.org"
        );
        assert_eq!(
            parse_email("nic_swsd@realtek.com").1,
            "nic_swsd@realtek.com"
        );
    }

    #[test]
    fn people_in_files_come_after_and_never_twice() {
        let m = Maintainers::parse(FILE);
        let mut l = m.lookup_files(&["kernel/bpf/core.c".to_owned()]);
        let before = l.people.len();
        let written = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        l.add_in_file(
            &[
                (
                    "b.yaml",
                    written(&[
                        "Later File <later@example.org>",
                        "Ann Other <ann@example.org>",
                    ]),
                ),
                (
                    "a.yaml",
                    written(&[
                        // In use: MAINTAINERS' name with another address, its address under
                        // another name, the chief penguin (never printed, still in use).
                        "Alexei Starovoitov <alexei@elsewhere.example>",
                        "Someone Else <REV@example.org>",
                        "Linus Torvalds <torvalds@linux-foundation.org>",
                        "Ann Other <ann@example.org>",
                        "ann other <ann2@example.org>",
                        "bpf@vger.kernel.org",
                    ]),
                ),
            ],
            |d| d.replace("ann@example.org", "ann@now.example.org"),
        );
        let added: Vec<(&str, &str)> = l.people[before..]
            .iter()
            .map(|p| (p.display.as_str(), p.entry.as_str()))
            .collect();
        assert_eq!(
            added,
            [
                ("Ann Other <ann@now.example.org>", "a.yaml"),
                ("bpf@vger.kernel.org", "a.yaml"),
                ("Later File <later@example.org>", "b.yaml"),
            ]
        );
        assert!(l.people[before..].iter().all(|p| p.role == Role::InFile));
        // A list printed the same way as a person is printed once.
        assert!(l.lists.iter().all(|x| x.display != "bpf@vger.kernel.org"));
        assert_eq!(l.files, ["kernel/bpf/core.c"]);
    }

    #[test]
    fn required_literals() {
        assert_eq!(required_literal("[^a-z]tegra"), Some("tegra"));
        assert_eq!(required_literal(r"(?:\b|_)bpf(?:\b|_)"), Some("bpf"));
        assert_eq!(required_literal("bcm[9]?6878"), Some("6878"));
        assert_eq!(required_literal("sun[25]0i"), Some("sun"));
        assert_eq!(required_literal("(?i)pidfd"), None);
        assert_eq!(required_literal(r"\bpin-init\b|pin_init\b|PinInit"), None);
        assert_eq!(required_literal("ab?c"), None);
        assert_eq!(required_literal("asm/elf.h"), Some("asm/elf"));
        assert_eq!(
            required_literal(r"^.*/vdso/[^/]*getrandom[^/]+$"),
            Some("getrandom")
        );
    }

    #[test]
    fn glob_matcher() {
        let p = |s: &str| FilePattern::parse(s);
        let no = |_: &str| false;
        assert!(p("drivers/scsi/3w-*").matches("drivers/scsi/3w-xxxx.c", &no));
        assert!(!p("drivers/scsi/3w-*").matches("drivers/scsi/3w-x/y.c", &no));
        assert!(p("drivers/input/misc/da72??.[ch]").matches("drivers/input/misc/da7280.c", &no));
        assert!(!p("drivers/input/misc/da72??.[ch]").matches("drivers/input/misc/da728.c", &no));
        assert!(p("*/").matches("a/b/c", &no));
        assert!(
            p("tools/testing/selftests/drivers/net/netcons\\*")
                .matches("tools/testing/selftests/drivers/net/netcons_basic.sh", &no)
        );
        // Perl anchors the start only: a longer name with as many slashes matches too.
        assert!(p("include/linux/filter.h").matches("include/linux/filter.hx", &no));
    }
}
