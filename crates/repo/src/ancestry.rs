//! Ancestry of every `Fixes:` target at once: one walk of history answers "is T an ancestor
//! of C" for all (T, C) pairs of a check, instead of one walk or one `git merge-base` per tag.
//!
//! Where libgit2 opened the repository the walk runs in process: all of it when there is no
//! commit-graph, the first thousand commits when there is one. The rest, and all of it for
//! repositories only git can read, is `git rev-list --parents --timestamp` from every
//! descendant, read as it streams. git pops commits newest first (by committer date), reads parents and dates from
//! the commit-graph when there is one, and serves both backends (SHA-256 and reftable
//! repositories too). Here each commit gets the set of descendants it was reached from,
//! handed down to its parents; a target is an ancestor of C when C's bit arrives at it.
//! Sets are interned: a range of thousands of commits has a few thousand distinct sets, and
//! all of history below the range shares one, so a commit costs a `u32`.
//!
//! The walk stops when every target is found, or once it is past the oldest unfound
//! target's commit date by a margin, plus a few commits (git's own `SLOP` in `rev-list`
//! limiting): beyond that only commits with skewed clocks could still lead to a target. The
//! margin grows by the largest clock skew the walk has seen (a commit listed after an older
//! one). A target not found by then is not an ancestor. A target dated after its descendant
//! (a wrong clock) has no such bound: for it the walk goes on to the end of history.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::process::Child;

use git2::{Oid, Repository};

use crate::RepoError;
use crate::gitcmd::GitCmd;

/// How far (seconds) below the oldest unfound target's date the walk goes before it gives up
/// on it: commit dates of a target's descendants older than the target itself come only from
/// wrong clocks, and a day covers the usual ones.
const MARGIN: i64 = 24 * 60 * 60;

/// With a commit-graph, commits walked in process before the question goes to `git
/// rev-list`, which reads parents and dates from the graph far faster than libgit2 reads
/// commits: a few milliseconds, enough for recent targets (most `Fixes:` tags of a commit
/// being written) without starting git. Without a commit-graph both read every commit, and
/// libgit2 in process is a little cheaper (no pipe, no process): the whole walk runs here.
const QUICK: usize = 1_000;

/// Commits read past the margin before stopping, as git's `SLOP` in `revision.c`: a skewed
/// commit among them that leads back above the margin resumes the walk.
const SLOP: u32 = 5;

/// An object id as bytes (SHA-1 in the first 20, SHA-256 in all 32).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key([u8; 32]);

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Object ids are already uniformly spread: eight of their bytes make the hash.
        let mut first = [0u8; 8];
        first.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_ne_bytes(first));
    }
}

/// Hashes the one `u64` a [`Key`] gives it as is (SipHash over every id was a tenth of a
/// walk).
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type IdMap<V> = HashMap<Key, V, std::hash::BuildHasherDefault<IdHasher>>;

fn key(hex: &[u8]) -> Option<Key> {
    if !matches!(hex.len(), 40 | 64) {
        return None;
    }
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    let mut k = [0u8; 32];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        k[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(Key(k))
}

/// Interned bit sets over the descendants; set 0 is empty.
struct Sets {
    words: usize,
    table: Vec<Box<[u64]>>,
    index: HashMap<Box<[u64]>, u32>,
    unions: HashMap<(u32, u32), u32>,
}

impl Sets {
    fn new(bits: usize) -> Sets {
        let words = bits.div_ceil(64).max(1);
        let empty: Box<[u64]> = vec![0; words].into_boxed_slice();
        let mut index = HashMap::new();
        index.insert(empty.clone(), 0);
        Sets {
            words,
            table: vec![empty],
            index,
            unions: HashMap::new(),
        }
    }

    fn intern(&mut self, set: Box<[u64]>) -> u32 {
        if let Some(&i) = self.index.get(&set) {
            return i;
        }
        let i = u32::try_from(self.table.len()).unwrap_or(u32::MAX);
        self.table.push(set.clone());
        self.index.insert(set, i);
        i
    }

    fn single(&mut self, bit: usize) -> u32 {
        let mut set = vec![0u64; self.words].into_boxed_slice();
        set[bit / 64] |= 1 << (bit % 64);
        self.intern(set)
    }

    fn union(&mut self, a: u32, b: u32) -> u32 {
        if a == b || b == 0 {
            return a;
        }
        if a == 0 {
            return b;
        }
        let pair = (a.min(b), a.max(b));
        if let Some(&u) = self.unions.get(&pair) {
            return u;
        }
        let (x, y) = (&self.table[a as usize], &self.table[b as usize]);
        let set: Box<[u64]> = x.iter().zip(y.iter()).map(|(p, q)| p | q).collect();
        let u = self.intern(set);
        self.unions.insert(pair, u);
        u
    }

    fn has(&self, set: u32, bit: usize) -> bool {
        self.table[set as usize][bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// A commit met in the walk: the descendants it is reached from, and once git has listed
/// it, where its parents are in `Walk::parents`.
struct Node {
    set: u32,
    parents: Option<(u32, u32)>,
    /// Some question asks about this commit.
    target: bool,
}

/// One question: is its target (the node it is filed under in `Walk::asked`) reached from
/// descendant bit `bit`?
struct Question {
    bit: usize,
    time: i64,
    answer: bool,
}

struct Walk {
    sets: Sets,
    nodes: Vec<Node>,
    ids: IdMap<u32>,
    parents: Vec<u32>,
    /// Questions by target node.
    asked: HashMap<u32, Vec<usize>>,
    questions: Vec<Question>,
    open: usize,
    /// Questions by target date, oldest first, and the first one maybe still open.
    by_time: Vec<usize>,
    first_open: usize,
    /// Commits listed (in process or by git): how much history the questions cost.
    read: usize,
}

impl Walk {
    fn node(&mut self, k: Key) -> u32 {
        if let Some(&n) = self.ids.get(&k) {
            return n;
        }
        let n = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(Node {
            set: 0,
            parents: None,
            target: false,
        });
        self.ids.insert(k, n);
        n
    }

    /// Add `set` to node `n` and, where that grows what a listed commit knows, to its
    /// ancestors already listed (only skewed dates list a parent before its child).
    fn give(&mut self, n: u32, set: u32) {
        // The usual case: a parent not listed yet takes the set, and nothing more happens.
        let node = &self.nodes[n as usize];
        if node.parents.is_none() {
            let grown = self.sets.union(node.set, set);
            if grown != node.set {
                self.nodes[n as usize].set = grown;
                self.found(n);
            }
            return;
        }
        let mut stack = vec![(n, set)];
        while let Some((n, set)) = stack.pop() {
            let node = &self.nodes[n as usize];
            let grown = self.sets.union(node.set, set);
            if grown == node.set {
                continue;
            }
            self.nodes[n as usize].set = grown;
            self.found(n);
            if let Some((first, count)) = self.nodes[n as usize].parents {
                for i in first..first + count {
                    stack.push((self.parents[i as usize], grown));
                }
            }
        }
    }

    fn found(&mut self, n: u32) {
        if !self.nodes[n as usize].target {
            return;
        }
        let Some(qs) = self.asked.get(&n) else {
            return;
        };
        let set = self.nodes[n as usize].set;
        for &q in qs {
            let question = &mut self.questions[q];
            if !question.answer && self.sets.has(set, question.bit) {
                question.answer = true;
                self.open -= 1;
            }
        }
    }

    /// git listed commit `id` with these parents.
    fn listed(&mut self, id: Key, parent_ids: &[Key]) {
        self.read += 1;
        let n = self.node(id);
        let first = u32::try_from(self.parents.len()).unwrap_or(u32::MAX);
        for p in parent_ids {
            let pn = self.node(*p);
            self.parents.push(pn);
        }
        let count = u32::try_from(parent_ids.len()).unwrap_or(0);
        self.nodes[n as usize].parents = Some((first, count));
        let set = self.nodes[n as usize].set;
        for i in first..first + count {
            self.give(self.parents[i as usize], set);
        }
    }

    /// The date below which the walk may stop: the oldest unanswered target's, less the
    /// margin and the skew seen.
    fn cutoff(&mut self, skew: i64) -> Option<i64> {
        while let Some(&q) = self.by_time.get(self.first_open) {
            if !self.questions[q].answer {
                return Some(
                    self.questions[q]
                        .time
                        .saturating_sub(MARGIN)
                        .saturating_sub(skew),
                );
            }
            self.first_open += 1;
        }
        None
    }
}

/// When to stop: tracks the walk's dates as commits are listed newest first.
struct Stop {
    slop: u32,
    /// The oldest date listed so far, and the largest step back up from it (clock skew).
    oldest: i64,
    skew: i64,
}

impl Stop {
    fn new() -> Stop {
        Stop {
            slop: SLOP,
            oldest: i64::MAX,
            skew: 0,
        }
    }

    /// After a commit dated `time` was listed: whether the walk can stop.
    fn after(&mut self, walk: &mut Walk, time: i64) -> bool {
        if walk.open == 0 {
            return true;
        }
        if time > self.oldest {
            self.skew = self.skew.max(time - self.oldest);
        }
        self.oldest = self.oldest.min(time);
        match walk.cutoff(self.skew) {
            Some(c) if time < c => {
                self.slop -= 1;
                self.slop == 0
            }
            _ => {
                self.slop = SLOP;
                false
            }
        }
    }
}

/// One ancestry question in full ids: is `ancestor` reachable from `descendant`? With their
/// committer dates.
#[derive(Debug)]
pub(crate) struct Pair<'a> {
    pub ancestor: &'a str,
    pub time: i64,
    pub descendant: &'a str,
    pub descendant_time: i64,
}

/// The answers of one walk, and how many commits it read to give them.
pub(crate) struct Answers {
    /// One per pair, in order.
    pub answers: Vec<Option<bool>>,
    /// Commits read (a commit read in process and again by git counts twice).
    pub read: usize,
}

/// Answer every pair with one walk of history. Pairs whose ids are not full hexadecimal
/// ids get None.
pub(crate) fn answer(
    cmd: &GitCmd,
    lib: Option<(&Repository, bool)>,
    pairs: &[Pair<'_>],
) -> Result<Answers, RepoError> {
    let mut walk = Walk {
        sets: Sets::new(0),
        nodes: Vec::new(),
        ids: IdMap::default(),
        parents: Vec::new(),
        asked: HashMap::new(),
        questions: Vec::new(),
        open: 0,
        by_time: Vec::new(),
        first_open: 0,
        read: 0,
    };
    // Descendants get a bit each.
    let mut bits: IdMap<usize> = IdMap::default();
    let mut heads: Vec<&str> = Vec::new();
    let mut question_of: Vec<Option<usize>> = Vec::with_capacity(pairs.len());
    let mut wanted = Vec::new();
    for p in pairs {
        let (Some(a), Some(d)) = (key(p.ancestor.as_bytes()), key(p.descendant.as_bytes())) else {
            question_of.push(None);
            continue;
        };
        let next = bits.len();
        let bit = *bits.entry(d).or_insert_with(|| {
            heads.push(p.descendant);
            next
        });
        question_of.push(Some(wanted.len()));
        // A target dated after its descendant is an ancestor only through a wrong clock;
        // no date tells where to stop looking for it, so the walk goes to the end.
        let time = if p.time > p.descendant_time.saturating_add(MARGIN) {
            i64::MIN
        } else {
            p.time
        };
        wanted.push((a, bit, time, a == d));
    }
    walk.sets = Sets::new(bits.len());
    for (a, bit, time, same) in wanted {
        let target = walk.node(a);
        let q = walk.questions.len();
        walk.questions.push(Question {
            bit,
            time,
            answer: same,
        });
        if !same {
            walk.open += 1;
            walk.asked.entry(target).or_default().push(q);
            walk.nodes[target as usize].target = true;
        }
    }
    walk.by_time = (0..walk.questions.len()).collect();
    walk.by_time.sort_by_key(|&q| walk.questions[q].time);
    let mut seeds: Vec<(Key, usize)> = bits.into_iter().collect();
    seeds.sort_by_key(|(_, b)| *b);
    for (k, bit) in seeds {
        let n = walk.node(k);
        let set = walk.sets.single(bit);
        walk.give(n, set);
    }
    let decided = walk.open == 0
        || lib.is_some_and(|(repo, graph)| {
            let budget = if graph { QUICK } else { usize::MAX };
            in_process(repo, &heads, &mut walk, budget).unwrap_or(false)
        });
    if !decided {
        // Commits listed in process are listed again: handing a set down twice changes
        // nothing.
        stream(cmd, &heads, &mut walk)?;
    }
    Ok(Answers {
        answers: question_of
            .into_iter()
            .map(|q| q.map(|q| walk.questions[q].answer))
            .collect(),
        read: walk.read,
    })
}

/// The same walk in process through libgit2, for at most `budget` commits. True when the
/// walk is decided.
fn in_process(
    repo: &Repository,
    heads: &[&str],
    walk: &mut Walk,
    budget: usize,
) -> Result<bool, git2::Error> {
    let lib_key = |id: Oid| {
        let mut k = [0u8; 32];
        let bytes = id.as_bytes();
        k[..bytes.len()].copy_from_slice(bytes);
        Key(k)
    };
    let mut queue: BinaryHeap<(i64, Oid)> = BinaryHeap::new();
    let mut queued: HashSet<Oid, std::hash::BuildHasherDefault<IdHasher>> = HashSet::default();
    for h in heads {
        let id = Oid::from_str(h)?;
        let time = repo.find_commit(id)?.time().seconds();
        if queued.insert(id) {
            queue.push((time, id));
        }
    }
    let mut stop = Stop::new();
    let mut parents = Vec::with_capacity(4);
    for _ in 0..budget {
        let Some((time, id)) = queue.pop() else {
            // All of history read: what is not found is not an ancestor.
            return Ok(true);
        };
        let commit = repo.find_commit(id)?;
        parents.clear();
        for p in commit.parent_ids() {
            parents.push(lib_key(p));
            if queued.insert(p) {
                queue.push((repo.find_commit(p)?.time().seconds(), p));
            }
        }
        walk.listed(lib_key(id), &parents);
        if stop.after(walk, time) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Feed `git rev-list` output to the walk until every question is answered or the walk is
/// past the dates that could still answer one.
fn stream(cmd: &GitCmd, heads: &[&str], walk: &mut Walk) -> Result<(), RepoError> {
    let mut args = vec!["rev-list", "--parents", "--timestamp"];
    args.extend(heads.iter().copied());
    args.push("--");
    let mut child = cmd.spawn(&args)?;
    let Some(stdout) = child.stdout.take() else {
        finish(cmd, &args, child, true)?;
        return Err(RepoError::GitMissing {
            source: std::io::Error::other("git's output could not be read"),
        });
    };
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut line = Vec::with_capacity(256);
    let mut stop = Stop::new();
    let mut parent_keys: Vec<Key> = Vec::with_capacity(4);
    let mut stopped_early = false;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| RepoError::GitMissing { source })?;
        if read == 0 {
            break;
        }
        let mut words = line.trim_ascii_end().split(|&b| b == b' ');
        let (Some(time), Some(id)) = (words.next(), words.next()) else {
            continue;
        };
        let time: i64 = std::str::from_utf8(time)
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let Some(id) = key(id) else { continue };
        parent_keys.clear();
        parent_keys.extend(words.filter_map(key));
        walk.listed(id, &parent_keys);
        if stop.after(walk, time) {
            stopped_early = true;
            break;
        }
    }
    drop(reader);
    finish(cmd, &args, child, stopped_early)
}

/// Reap git; a walk read to its end must have succeeded.
fn finish(cmd: &GitCmd, args: &[&str], mut child: Child, early: bool) -> Result<(), RepoError> {
    if early {
        // The rest of the walk is not needed: stop our own child.
        let _ = child.kill();
        let _ = child.wait();
        return Ok(());
    }
    let mut stderr = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_end(&mut stderr);
    }
    let status = child
        .wait()
        .map_err(|source| RepoError::GitMissing { source })?;
    if status.success() {
        Ok(())
    } else {
        Err(RepoError::Git {
            args: args.join(" "),
            dir: cmd.git_dir.clone(),
            stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        assert!(key(hex.as_bytes()).is_some());
        assert!(key(&hex.as_bytes()[..39]).is_none());
        assert!(key(b"0123456789abcdef0123456789abcdef0123456g").is_none());
        assert!(key(hex.repeat(2).as_bytes()[..64].as_ref()).is_some());
    }

    #[test]
    fn sets_intern_and_union() {
        let mut s = Sets::new(130);
        let a = s.single(0);
        let b = s.single(129);
        let ab = s.union(a, b);
        assert_eq!(s.union(b, a), ab);
        assert_eq!(s.union(ab, a), s.union(a, ab));
        assert!(s.has(ab, 0) && s.has(ab, 129) && !s.has(ab, 64));
        assert_eq!(s.union(0, a), a);
        assert_eq!(s.single(0), a);
    }
}
