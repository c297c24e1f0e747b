//! Bad inputs against the real binaries: `bpf-policy check` and the three hooks. Every case
//! must end with the exit status SPEC.md gives (0 no errors, 1 policy errors, 2 unusable
//! input or environment), a message that says what is wrong, no panic, no quadratic stall on
//! huge inputs, and the input file exactly as it was.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bpf_policy_e2e::{Repo, TestResult, hermetic, release_bin};

type Error = Box<dyn std::error::Error>;

/// Far above what any case needs in a release build (the slowest, 50 MB, takes well under a
/// second); a quadratic pass over 100,000 lines or 10,000 emails would take minutes.
const TIME_LIMIT: Duration = Duration::from_secs(10);

const SOB: &str = "Signed-off-by: A U Thor <author@example.org>";

/// A commit message every rule accepts.
fn good_message() -> String {
    format!(
        "bpf: Free the map on the update error path\n\nThe map was not freed when the update failed, so every failed update leaked\none. Free it on the error path.\n\n{SOB}\n"
    )
}

/// A patch email every rule accepts without a repository: tree and list agree, it is signed
/// off by its author, it carries a diff.
fn good_patch(n: Option<(u32, u32)>) -> String {
    let counter = n.map_or(String::new(), |(n, m)| format!(" {n}/{m}"));
    format!(
        "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: A U Thor <author@example.org>
Date: Tue, 1 Oct 2024 10:00:00 +0000
Subject: [PATCH bpf-next{counter}] bpf: Free the map on the update error path
To: bpf@vger.kernel.org

{}---
 kernel/bpf/syscall.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/kernel/bpf/syscall.c b/kernel/bpf/syscall.c
index 1111111..2222222 100644
--- a/kernel/bpf/syscall.c
+++ b/kernel/bpf/syscall.c
@@ -1,2 +1,3 @@
 a
+b
 c
-- 
2.47.3

",
        good_message()
            .split_once("\n\n")
            .map_or("", |(_, body)| body)
    )
}

fn cover_letter(m: u32) -> String {
    format!(
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: A U Thor <author@example.org>
Date: Tue, 1 Oct 2024 10:00:00 +0000
Subject: [PATCH bpf-next 0/{m}] bpf: Free maps on error paths
To: bpf@vger.kernel.org

This series frees maps on every error path of the update code, so failed
updates stop leaking them.

A U Thor ({m}):
  bpf: Free the map on the update error path

 kernel/bpf/syscall.c | 1 +
 1 file changed, 1 insertion(+)

-- 
2.47.3

"
    )
}

/// What a binary did.
#[derive(Debug)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Outcome {
    /// The exit status is `code`, stderr says `needle`, nothing panicked, and it was quick.
    fn expect(&self, what: &str, code: i32, needle: &str) -> TestResult {
        let all = format!("{}{}", self.stdout, self.stderr);
        if self.code != Some(code) {
            return Err(format!("{what}: exit {:?}, expected {code}\n{all}", self.code).into());
        }
        if all.contains("panicked") || all.contains("RUST_BACKTRACE") {
            return Err(format!("{what}: panicked\n{all}").into());
        }
        if !all.contains(needle) {
            return Err(format!("{what}: output lacks {needle:?}\n{all}").into());
        }
        if code == 2 && self.stderr.trim().is_empty() {
            return Err(format!("{what}: exit 2 with nothing on stderr").into());
        }
        if self.took > TIME_LIMIT {
            return Err(format!("{what}: took {:?}", self.took).into());
        }
        Ok(())
    }
}

/// A directory outside any repository, with a HOME of its own.
struct Scratch {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Result<Scratch, Error> {
        Ok(Scratch {
            dir: tempfile::tempdir()?,
            home: tempfile::tempdir()?,
        })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> Result<PathBuf, Error> {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes)?;
        Ok(p)
    }
}

/// Run a release binary in `cwd`, hermetic, with git unable to find a repository above it.
fn run(
    bin: &str,
    cwd: &Path,
    home: &Path,
    args: &[&OsStr],
    stdin: Option<&[u8]>,
) -> Result<Outcome, Error> {
    let mut cmd = Command::new(release_bin(bin)?);
    hermetic(&mut cmd, home);
    if let Some(parent) = cwd.parent() {
        cmd.env("GIT_CEILING_DIRECTORIES", parent);
    }
    cmd.current_dir(cwd)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    // Written from a thread: a large stdin would fill the pipe while the child fills stdout.
    let feeder = match (stdin, child.stdin.take()) {
        (Some(data), Some(mut pipe)) => {
            let data = data.to_vec();
            Some(std::thread::spawn(move || {
                // The child may stop reading early (garbage in, exit 2); that is its answer.
                let _ = pipe.write_all(&data);
            }))
        }
        _ => None,
    };
    let out = child.wait_with_output()?;
    let took = start.elapsed();
    if let Some(f) = feeder {
        f.join().map_err(|_| "the stdin writer thread failed")?;
    }
    Ok(Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took,
    })
}

/// `bpf-policy check --no-repo ARGS...` in the scratch directory.
fn check(s: &Scratch, args: &[&OsStr]) -> Result<Outcome, Error> {
    let mut all: Vec<&OsStr> = vec![OsStr::new("check"), OsStr::new("--no-repo")];
    all.extend_from_slice(args);
    run("bpf-policy", s.path(), s.home.path(), &all, None)
}

/// Check one file (with extra options first), then make sure it is exactly as it was.
fn check_file(s: &Scratch, name: &str, bytes: &[u8], opts: &[&str]) -> Result<Outcome, Error> {
    let p = s.write(name, bytes)?;
    let mut args: Vec<&OsStr> = opts.iter().map(OsStr::new).collect();
    args.push(p.as_os_str());
    let out = check(s, &args)?;
    unchanged(&p, bytes)?;
    Ok(out)
}

fn unchanged(p: &Path, before: &[u8]) -> TestResult {
    let after = std::fs::read(p)?;
    if after != before {
        return Err(format!("{} was changed", p.display()).into());
    }
    Ok(())
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

#[test]
fn empty_file() -> TestResult {
    let s = Scratch::new()?;
    check_file(&s, "empty.msg", b"", &[])?.expect("empty", 2, "empty.msg: it is empty")?;
    check_file(&s, "blank.patch", b"\n \n\t\n", &["--as", "email"])?.expect(
        "blank",
        2,
        "it is empty",
    )
}

#[test]
fn missing_file() -> TestResult {
    let s = Scratch::new()?;
    let out = check(&s, &[os("no-such.patch")])?;
    out.expect("missing", 2, "no-such.patch: cannot read it")?;
    // The other inputs are still checked and reported.
    let good = s.write("good.msg", good_message())?;
    check(&s, &[good.as_os_str(), os("no-such.patch")])?.expect(
        "missing beside good",
        2,
        "No such file or directory",
    )
}

#[test]
fn directory() -> TestResult {
    let s = Scratch::new()?;
    let dir = s.path().join("out");
    std::fs::create_dir(&dir)?;
    std::fs::write(dir.join("notes.txt"), "not a patch\n")?;
    check(&s, &[dir.as_os_str()])?.expect("directory", 2, "no *.patch files in this directory")?;
    // A directory named as a commit message is still a directory, not a read error.
    check(&s, &[os("--as"), os("message"), dir.as_os_str()])?.expect(
        "directory as message",
        2,
        "no *.patch files",
    )
}

#[test]
fn unreadable_file() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new()?;
    let msg = good_message();
    let p = s.write("locked.msg", &msg)?;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000))?;
    if std::fs::read(&p).is_ok() {
        // Root (as in CI containers) reads through mode 000; the socket below still cannot be.
        eprintln!("note: running as a privileged user; mode 000 does not stop reading, skipped");
    } else {
        check(&s, &[p.as_os_str()])?.expect("mode 000", 2, "Permission denied")?;
    }
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644))?;
    unchanged(&p, msg.as_bytes())?;

    // A socket has a name and metadata, but open() fails for every user, root included.
    let sock = s.path().join("x.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock)?;
    check(&s, &[sock.as_os_str()])?.expect("socket", 2, "x.sock: cannot read it")
}

#[test]
fn nul_bytes() -> TestResult {
    let s = Scratch::new()?;
    let mut bytes = good_message().into_bytes();
    bytes.splice(10..10, *b"\0\0\x01\0");
    check_file(&s, "nul.msg", &bytes, &[])?.expect("NUL", 2, "binary data (NUL bytes)")?;
    let mut patch = good_patch(None).into_bytes();
    patch.extend_from_slice(b"\0trailing garbage");
    check_file(&s, "nul.patch", &patch, &[])?.expect("NUL patch", 2, "binary data")
}

#[test]
fn latin1_bytes() -> TestResult {
    let s = Scratch::new()?;
    // Latin-1, not UTF-8: ö is 0xf6, ü 0xfc, ï 0xef.
    let msg = b"bpf: Free the map on the update error path\n\nThe na\xefve error path leaked the map. Free it.\n\nSigned-off-by: J\xf6rg M\xfcller <jm@example.org>\n";
    check_file(&s, "latin1.msg", msg, &[])?.expect("latin-1", 0, "no problems found")?;
    // When a finding points at such a line, it says why the line looks odd.
    let bad = b"bpf: Free the map\n\nThe na\xefve error path leaked the map.\n\nSigned-of-by: J\xf6rg <jm@example.org>\n";
    check_file(&s, "latin1-bad.msg", bad, &[])?.expect(
        "latin-1 finding",
        1,
        "bytes that are not UTF-8",
    )?;
    let patch = good_patch(None).replace("A U Thor <author", "J\u{f6}rg <author");
    let patch: Vec<u8> = patch
        .bytes()
        .flat_map(|b| match b {
            0xc3 => None,
            0xb6 => Some(0xf6),
            b => Some(b),
        })
        .collect();
    check_file(&s, "latin1.patch", &patch, &[])?.expect("latin-1 patch", 0, "no problems")
}

#[test]
fn crlf_line_ends() -> TestResult {
    let s = Scratch::new()?;
    let msg = good_message().replace('\n', "\r\n");
    check_file(&s, "crlf.msg", msg.as_bytes(), &[])?.expect("CRLF", 0, "no problems")?;
    let patch = good_patch(None).replace('\n', "\r\n");
    check_file(&s, "crlf.patch", patch.as_bytes(), &[])?.expect("CRLF patch", 0, "no problems")?;
    // The findings are the same as for LF: a CRLF message missing its sign-off says so.
    let unsigned = good_message().replace(SOB, "").replace('\n', "\r\n");
    check_file(&s, "crlf-bad.msg", unsigned.as_bytes(), &[])?.expect(
        "CRLF unsigned",
        1,
        "error[signoff-missing]",
    )
}

#[test]
fn only_comments() -> TestResult {
    let s = Scratch::new()?;
    let text = "# Please enter the commit message for your changes.\n#\n# On branch master\n";
    check_file(&s, "comments.msg", text.as_bytes(), &[])?.expect(
        "comments",
        2,
        "no commit message, only comment lines",
    )
}

#[test]
fn only_a_subject() -> TestResult {
    let s = Scratch::new()?;
    let out = check_file(
        &s,
        "subject.msg",
        b"bpf: Free the map on the error path\n",
        &[],
    )?;
    out.expect("subject only", 1, "error[message-empty]")?;
    out.expect("subject only", 1, "error[signoff-missing]")
}

#[test]
fn fifty_megabyte_body() -> TestResult {
    let s = Scratch::new()?;
    let line = "The map was not freed when the update failed, and this line says so again.\n";
    let body = line.repeat(50 * 1024 * 1024 / line.len() + 1);
    let msg = format!("bpf: A very long story\n\n{body}\n{SOB}\n");
    let out = check_file(&s, "big.msg", msg.as_bytes(), &[])?;
    out.expect("50 MB", 2, "may be at most 16777216 bytes")?;
    // As a patch email too.
    let patch = good_patch(None).replacen("\n---\n", &format!("\n{body}\n---\n"), 1);
    check_file(&s, "big.patch", patch.as_bytes(), &[])?.expect("50 MB patch", 2, "at most")
}

#[test]
fn a_hundred_thousand_trailers() -> TestResult {
    let s = Scratch::new()?;
    let acks: String = (0..100_000)
        .map(|i| format!("Acked-by: Reviewer {i} <r{i}@example.org>\n"))
        .collect();
    let body = "The map was not freed when the update failed. Free it.\n";
    // In the trailer block.
    let msg = format!("bpf: Free the map\n\n{body}\n{acks}{SOB}\n");
    check_file(&s, "acks.msg", msg.as_bytes(), &[])?.expect("100k trailers", 0, "no problems")?;
    // In the body, cut off from the sign-off by a blank line: still tags, still one pass.
    let msg = format!("bpf: Free the map\n\n{body}{acks}\n{SOB}\n");
    check_file(&s, "acks-body.msg", msg.as_bytes(), &[])?.expect(
        "100k body tags",
        0,
        "no problems",
    )?;
    // Misspelt, every one of them is reported.
    let typos = acks.replace("Acked-by", "Acked-By");
    let msg = format!("bpf: Free the map\n\n{body}\n{typos}{SOB}\n");
    let out = check_file(&s, "typos.msg", msg.as_bytes(), &["--format", "json"])?;
    out.expect("100k typos", 1, "\"rule\":\"trailer-typo\"")?;
    let n = out
        .stdout
        .lines()
        .filter(|l| l.contains("trailer-typo"))
        .count();
    if n != 100_000 {
        return Err(format!("{n} trailer-typo findings, expected 100000").into());
    }
    Ok(())
}

#[test]
fn megabyte_lines() -> TestResult {
    let s = Scratch::new()?;
    let long = "x".repeat(1024 * 1024);
    let msg = format!("bpf: {long}\n\n{long}\n\nLink: https://example.org/{long}\n{SOB}\n");
    check_file(&s, "long.msg", msg.as_bytes(), &[])?.expect("1 MB lines", 0, "no problems")?;
    // A 1 MB token inside the brackets, a 1 MB trailer key and a 1 MB diff line.
    let patch = good_patch(None)
        .replace("[PATCH bpf-next]", &format!("[PATCH bpf-next {long}]"))
        .replace(SOB, &format!("{long}-by: x\n{SOB}"))
        .replace("+b\n", &format!("+{long}\n"));
    check_file(&s, "long.patch", patch.as_bytes(), &[])?.expect(
        "1 MB patch lines",
        0,
        "no problems",
    )
}

#[test]
fn broken_encoded_words() -> TestResult {
    let s = Scratch::new()?;
    let patch = good_patch(None)
        .replace(
            "From: A U Thor <author@example.org>",
            "From: =?x-no-such-charset?Q?J=F6rg?= =?UTF-8?B?!!!not base64?= <author@example.org>",
        )
        .replace(
            "bpf: Free the map on the update error path",
            "bpf: Free the map =?UTF-8?Q?on_the=ZZ?= =?UTF-8?B?dXBkYXRl?= =?utf-8?q?unterminated",
        );
    let out = check_file(&s, "encoded.patch", patch.as_bytes(), &[])?;
    // The author's address survives, so the sign-off still matches.
    out.expect("broken encoded-words", 0, "no problems")
}

/// The good patch with its body base64-encoded, as some mailers send it.
fn base64_patch(patch: &str) -> Result<String, Error> {
    let (head, body) = patch.split_once("\n\n").ok_or("no body")?;
    let encoded = base64(body.as_bytes());
    let wrapped: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(std::str::from_utf8)
        .collect::<Result<_, _>>()?;
    Ok(format!(
        "{head}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n{}\n",
        wrapped.join("\n")
    ))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_body() -> TestResult {
    let s = Scratch::new()?;
    let patch = base64_patch(&good_patch(None))?;
    check_file(&s, "b64.patch", patch.as_bytes(), &[])?.expect("base64", 0, "no problems")?;
    // Decoded, not skipped: a missing sign-off inside the base64 is found.
    let unsigned = base64_patch(&good_patch(None).replace(SOB, ""))?;
    check_file(&s, "b64-bad.patch", unsigned.as_bytes(), &[])?.expect(
        "base64 unsigned",
        1,
        "error[signoff-missing]",
    )
}

#[test]
fn patch_without_a_diff() -> TestResult {
    let s = Scratch::new()?;
    let patch = good_patch(None);
    let cut = patch.split("\n---\n").next().ok_or("no divider")?;
    // Not a patch (a reply, a note): left alone, not refused (POLICY.md, Scope).
    check_file(&s, "nodiff.patch", cut.as_bytes(), &["--verbose"])?.expect(
        "no diff",
        0,
        "not a cover letter (0/N): not a patch",
    )
}

#[test]
fn mbox_of_ten_thousand_emails() -> TestResult {
    let s = Scratch::new()?;
    let m = 9_999;
    let mut mbox = cover_letter(m);
    for n in 1..=m {
        mbox.push_str(&good_patch(Some((n, m))));
    }
    // Far too long to post (series-too-long), and otherwise fine.
    let out = check_file(&s, "big.mbox", mbox.as_bytes(), &["--format", "json"])?;
    out.expect("10k emails", 1, "series-too-long")?;
    if out.stdout.lines().count() != 1 {
        return Err(format!("expected one finding, got\n{}", out.stdout).into());
    }
    // Without its cover letter, the series is reported once, not once per patch.
    let bare = mbox.split_once("-- \n2.47.3\n\n").map_or("", |(_, r)| r);
    let out = check_file(&s, "nocover.mbox", bare.as_bytes(), &["--format", "json"])?;
    out.expect("10k without cover", 1, "series-cover-letter")?;
    if out
        .stdout
        .lines()
        .filter(|l| l.contains("series-cover-letter"))
        .count()
        != 1
    {
        return Err(format!("expected one finding, got\n{}", out.stdout).into());
    }
    Ok(())
}

#[test]
fn series_total_of_u32_max() -> TestResult {
    let s = Scratch::new()?;
    let m = u32::MAX;
    let mbox = format!("{}{}", good_patch(Some((1, m))), good_patch(Some((3, m))));
    let out = check_file(&s, "huge-total.mbox", mbox.as_bytes(), &[])?;
    // Counted, not listed: the first gaps are named, the rest are a number.
    out.expect("total u32::MAX", 1, "2/4294967295, 4/4294967295")?;
    out.expect("total u32::MAX", 1, "and 4294967283 more missing")
}

#[test]
fn fifty_bracket_groups() -> TestResult {
    let s = Scratch::new()?;
    let groups: String = (1..50).map(|i| format!("[tag{i}]")).collect();
    let patch = good_patch(None).replace("[PATCH bpf-next]", &format!("[PATCH bpf-next]{groups}"));
    check_file(&s, "groups.patch", patch.as_bytes(), &[])?.expect("50 groups", 0, "no problems")?;
    // Fifty groups and none names a tree: said once, with the groups quoted. (Groups of
    // other words would name another subsystem's tree and put the patch out of scope.)
    let groups: String = (1..50).map(|_| "[RFC]").collect();
    let patch = good_patch(None).replace("[PATCH bpf-next]", &format!("[PATCH]{groups}"));
    check_file(&s, "notree.patch", patch.as_bytes(), &[])?.expect(
        "50 groups, no tree",
        1,
        "error[subject-tree]",
    )
}

#[test]
fn commit_msg_outside_a_repository() -> TestResult {
    let s = Scratch::new()?;
    let good = s.write("COMMIT_EDITMSG", good_message())?;
    run(
        "bpf-policy-commit-msg",
        s.path(),
        s.home.path(),
        &[good.as_os_str()],
        None,
    )?
    .expect("outside, good", 0, "")?;
    unchanged(&good, good_message().as_bytes())?;
    let bad = s.write("BAD_EDITMSG", "bpf: Free the map\n")?;
    run(
        "bpf-policy-commit-msg",
        s.path(),
        s.home.path(),
        &[bad.as_os_str()],
        None,
    )?
    .expect("outside, bad", 1, "commit blocked")?;
    unchanged(&bad, b"bpf: Free the map\n")?;
    run(
        "bpf-policy-commit-msg",
        s.path(),
        s.home.path(),
        &[os("nope")],
        None,
    )?
    .expect("outside, missing", 2, "cannot read nope")?;
    run("bpf-policy-commit-msg", s.path(), s.home.path(), &[], None)?.expect(
        "no argument",
        2,
        "usage: bpf-policy-commit-msg",
    )
}

#[test]
fn commit_msg_with_head_unborn() -> TestResult {
    let r = Repo::new()?;
    std::fs::write(r.path().join("x.c"), "int x;\n")?;
    r.git(&["add", "x.c"])?;
    let msg = r.path().join(".git/COMMIT_EDITMSG");
    std::fs::write(&msg, good_message())?;
    run(
        "bpf-policy-commit-msg",
        r.path(),
        r.home.path(),
        &[msg.as_os_str()],
        None,
    )?
    .expect("unborn, good", 0, "")?;
    unchanged(&msg, good_message().as_bytes())?;
    std::fs::write(&msg, "bpf: Free the map\n")?;
    run(
        "bpf-policy-commit-msg",
        r.path(),
        r.home.path(),
        &[msg.as_os_str()],
        None,
    )?
    .expect("unborn, bad", 1, "error[message-empty]")?;
    // And through git itself, with the hook installed by hand.
    let hook = r.path().join(".git/hooks/commit-msg");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nexec '{}' \"$@\"\n",
            release_bin("bpf-policy-commit-msg")?.display()
        ),
    )?;
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let out = r
        .cmd("git")
        .args(["commit", "-q", "-m", &good_message()])
        .output()?;
    if !out.status.success() {
        return Err(format!("first commit: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(())
}

#[test]
fn commit_msg_in_a_bare_repository() -> TestResult {
    let s = Scratch::new()?;
    let bare = s.path().join("bare.git");
    let out = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&bare)
        .env("HOME", s.home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()?;
    if !out.status.success() {
        return Err("git init --bare failed".into());
    }
    let msg = bare.join("COMMIT_EDITMSG");
    std::fs::write(&msg, good_message())?;
    run(
        "bpf-policy-commit-msg",
        &bare,
        s.home.path(),
        &[msg.as_os_str()],
        None,
    )?
    .expect("bare, good", 0, "")?;
    unchanged(&msg, good_message().as_bytes())?;
    std::fs::write(&msg, "bpf: Free the map\n")?;
    run(
        "bpf-policy-commit-msg",
        &bare,
        s.home.path(),
        &[msg.as_os_str()],
        None,
    )?
    .expect("bare, bad", 1, "error[message-empty]")
}

const PUSH_LINE: &str = "refs/heads/master 0123456789abcdef0123456789abcdef01234567 refs/heads/master 0000000000000000000000000000000000000000\n";

#[test]
fn pre_push_outside_a_repository() -> TestResult {
    let s = Scratch::new()?;
    run(
        "bpf-policy-pre-push",
        s.path(),
        s.home.path(),
        &[os("origin"), os("https://example.org/bpf-next.git")],
        Some(PUSH_LINE.as_bytes()),
    )?
    .expect("pre-push outside", 2, "not in a git repository")
}

#[test]
fn pre_push_with_garbage_on_stdin() -> TestResult {
    let r = Repo::new()?;
    r.commit("x.c", "int x;\n", &good_message())?;
    let mut garbage = b"this is not what git writes\n".to_vec();
    garbage.extend_from_slice(b"\xff\xfe\0\x01 binary\n");
    let out = run(
        "bpf-policy-pre-push",
        r.path(),
        r.home.path(),
        &[os("origin"), os("https://example.org/bpf-next.git")],
        Some(&garbage),
    )?;
    out.expect("pre-push garbage", 2, "does not understand")?;
    out.expect("pre-push garbage", 2, "expected <local ref> <local id>")?;
    // Half a line: an id too short to be one.
    run(
        "bpf-policy-pre-push",
        r.path(),
        r.home.path(),
        &[os("origin")],
        Some(b"refs/heads/master 0123 refs/heads/master 0000\n"),
    )?
    .expect("pre-push short ids", 2, "does not understand")
}

#[test]
fn sendemail_validate_with_a_missing_file() -> TestResult {
    let s = Scratch::new()?;
    run(
        "bpf-policy-sendemail-validate",
        s.path(),
        s.home.path(),
        &[os("no-such.patch")],
        None,
    )?
    .expect("sendemail missing", 2, "cannot read no-such.patch")?;
    // An unreadable header file is only a warning: the email itself is checked.
    let patch = s.write("0001-x.patch", good_patch(None))?;
    run(
        "bpf-policy-sendemail-validate",
        s.path(),
        s.home.path(),
        &[patch.as_os_str(), os("no-such-header")],
        None,
    )?
    .expect("sendemail missing header", 0, "cannot read the header file")?;
    unchanged(&patch, good_patch(None).as_bytes())
}
