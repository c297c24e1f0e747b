//! End to end: recipients from MAINTAINERS with real git send-email, in a kernel-like
//! repository holding the kernel's MAINTAINERS (tests/data/maintainers).

use std::path::{Path, PathBuf};
use std::process::Output;

use bpf_policy_e2e::{
    Repo, SOB, TestResult, WHY, install_checked, smtp_script, stderr, stdout, workspace_root,
};

/// A repository with the kernel's MAINTAINERS and the hooks installed, and the commit a
/// later fix points at, written by someone else. Returns it and that commit's id.
fn kernel_like() -> Result<(Repo, String), Box<dyn std::error::Error>> {
    let r = Repo::new()?;
    install_checked(&r, &["--no-build"])?;
    let maintainers = std::fs::read(workspace_root().join("tests/data/maintainers/MAINTAINERS"))?;
    std::fs::write(r.path().join("MAINTAINERS"), maintainers)?;
    for f in ["net/core/filter.c", "kernel/bpf/syscall.c"] {
        let p = r.path().join(f);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(&p, "int x;\n")?;
    }
    r.git(&["add", "."])?;
    let out = r
        .cmd("git")
        .args(["commit", "-q", "--no-verify", "-m"])
        .arg("bpf: Add map refcounting\n\nAdd it.\n\nSigned-off-by: Bug Author <bug.author@example.org>")
        .env("GIT_AUTHOR_NAME", "Bug Author")
        .env("GIT_AUTHOR_EMAIL", "bug.author@example.org")
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    let id = r.git(&["rev-parse", "HEAD"])?.trim().to_owned();
    Ok((r, id))
}

/// The fix: net/core/filter.c and kernel/bpf/, committed through the commit-msg hook.
fn fix(r: &Repo, target: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    for f in ["net/core/filter.c", "kernel/bpf/syscall.c"] {
        let p = r.path().join(f);
        let old = std::fs::read_to_string(&p)?;
        std::fs::write(&p, format!("{old}int y;\n"))?;
    }
    r.git(&["add", "."])?;
    let msg = format!(
        "bpf: Fix a double free of maps from tc\n\n{WHY}\n\nFixes: {} (\"bpf: Add map refcounting\")\n{SOB}",
        &target[..12]
    );
    let out = r.cmd("git").args(["commit", "-q", "-m", &msg]).output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH bpf", "-1"])?;
    files
        .into_iter()
        .next()
        .ok_or_else(|| "format-patch wrote nothing".into())
}

fn mails(log: &Path) -> Result<Vec<String>, std::io::Error> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(log)? {
        v.push(std::fs::read_to_string(e?.path())?);
    }
    Ok(v)
}

/// git send-email with `config` (`-c` pairs before the command) and `opts`; bpf-policy is
/// found on PATH where install.sh linked it.
fn send(
    r: &Repo,
    script: &Path,
    config: &[&str],
    opts: &[&str],
    patch: &Path,
) -> Result<Output, std::io::Error> {
    let path = format!(
        "{}:{}",
        r.home.path().join(".local/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = r.cmd("git");
    c.env("PATH", path);
    for kv in config {
        c.args(["-c", kv]);
    }
    c.args([
        "send-email",
        "--confirm=never",
        "--from=A U Thor <author@example.org>",
    ])
    .args(opts)
    .arg(format!("--smtp-server={}", script.display()))
    .arg(patch)
    .output()
}

/// What the installed `bpf-policy recipients [option] patch` prints (no option for "").
fn recipients(r: &Repo, patch: &Path, option: &str) -> Result<String, std::io::Error> {
    let mut c = r.cmd(r.home.path().join(".local/bin/bpf-policy"));
    c.arg("recipients");
    if !option.is_empty() {
        c.arg(option);
    }
    Ok(stdout(&c.arg(patch).output()?))
}

fn headers(mail: &str) -> String {
    mail.split("\n\n")
        .next()
        .unwrap_or_default()
        .replace("\n ", " ")
}

#[test]
fn a_patch_missing_a_list_is_refused_and_the_commands_fill_in_recipients() -> TestResult {
    let (r, target) = kernel_like()?;
    let patch = fix(&r, &target)?;
    let (script, log) = smtp_script(&r)?;

    // To bpf@ only: netdev@ (for net/core/filter.c) is missing; nothing goes out.
    let out = send(
        &r,
        &script,
        &[],
        &["--suppress-cc=all", "--to=bpf@vger.kernel.org"],
        &patch,
    )?;
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("maintainers-list")
            && err.contains("netdev@vger.kernel.org is in neither To: nor Cc:")
            && err.contains("MAINTAINERS lists it for net/core/filter.c (BPF [NETWORKING]"),
        "{err}"
    );
    assert!(!err.contains("linux-kernel@vger.kernel.org is in"), "{err}");
    assert!(mails(&log)?.is_empty());

    // The same send, with git asking bpf-policy for each patch's recipients.
    let out = send(
        &r,
        &script,
        &[
            "sendemail.toCmd=bpf-policy recipients --to",
            "sendemail.ccCmd=bpf-policy recipients --cc",
        ],
        &["--suppress-cc=self"],
        &patch,
    )?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        !err.contains("maintainers-list")
            && !err.contains("maintainers-cc")
            && !err.contains("fixes-author-cc"),
        "{err}"
    );
    let sent = mails(&log)?;
    assert_eq!(sent.len(), 1);
    let h = headers(&sent[0]);
    for who in [
        "bpf@vger.kernel.org",
        "netdev@vger.kernel.org",
        "Alexei Starovoitov <ast@kernel.org>",
        "Jakub Kicinski <kuba@kernel.org>",
        "\"David S. Miller\" <davem@davemloft.net>",
        "Bug Author <bug.author@example.org>",
    ] {
        assert!(h.contains(who), "{who} missing from:\n{h}");
    }
    assert!(!h.contains("linux-kernel@vger.kernel.org"), "{h}");
    Ok(())
}

#[test]
fn a_fix_without_its_target_author_in_cc_is_warned() -> TestResult {
    let (r, target) = kernel_like()?;
    let patch = fix(&r, &target)?;
    let (script, log) = smtp_script(&r)?;
    // Every list is there, so it goes out; the warnings say who else should have had it.
    let out = send(
        &r,
        &script,
        &[],
        &[
            "--suppress-cc=all",
            "--to=bpf@vger.kernel.org",
            "--to=netdev@vger.kernel.org",
        ],
        &patch,
    )?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("fixes-author-cc")
            && err.contains("Bug Author <bug.author@example.org> wrote commit"),
        "{err}"
    );
    assert!(err.contains("maintainers-cc"), "{err}");
    assert_eq!(mails(&log)?.len(), 1);

    // With the author in Cc, that warning is gone. (The first send is dropped from the send
    // log, or the same patch again would be a repost within a day.)
    std::fs::remove_file(r.path().join(".git/bpf-policy/sent.log"))?;
    sends_without_fixes_author_warning(&r, &script, "Bug Author <bug.author@example.org>", &patch)
}

/// Sent to both lists with `cc` in Cc: it goes out, and fixes-author-cc has nothing to say.
fn sends_without_fixes_author_warning(
    r: &Repo,
    script: &Path,
    cc: &str,
    patch: &Path,
) -> TestResult {
    let cc = format!("--cc={cc}");
    let out = send(
        r,
        script,
        &[],
        &[
            "--suppress-cc=all",
            "--to=bpf@vger.kernel.org",
            "--to=netdev@vger.kernel.org",
            &cc,
        ],
        patch,
    )?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("fixes-author-cc"), "{err}");
    Ok(())
}

/// `bpf-policy recipients` on its own: the series' addresses, To and Cc halves, and exit 2
/// without a MAINTAINERS.
#[test]
fn recipients_prints_the_halves_and_refuses_without_maintainers() -> TestResult {
    let (r, target) = kernel_like()?;
    let patch = fix(&r, &target)?;
    let to = recipients(&r, &patch, "--to")?;
    let cc = recipients(&r, &patch, "--cc")?;
    let all = recipients(&r, &patch, "")?;
    assert_eq!(to, "bpf@vger.kernel.org\nnetdev@vger.kernel.org\n");
    assert!(
        cc.lines()
            .any(|l| l == "Bug Author <bug.author@example.org>"),
        "{cc}"
    );
    assert!(cc.lines().all(|l| !l.ends_with("@vger.kernel.org")), "{cc}");
    let mut both: Vec<&str> = to.lines().chain(cc.lines()).collect();
    let mut every: Vec<&str> = all.lines().collect();
    both.sort_unstable();
    every.sort_unstable();
    assert_eq!(both, every);

    let plain = Repo::new()?;
    plain.commit("README", "x\n", "init")?;
    let bin = r.home.path().join(".local/bin/bpf-policy");
    let out = plain.cmd(&bin).arg("recipients").arg(&patch).output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no MAINTAINERS"), "{}", stderr(&out));
    Ok(())
}

/// b4's auto-to-cc with bpf-policy in get_maintainer.pl's place, set up as README.md shows.
#[test]
fn b4_auto_to_cc_asks_bpf_policy() -> TestResult {
    let (r, _) = kernel_like()?;
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))?;
    let block = readme
        .split("## Recipients from MAINTAINERS")
        .nth(1)
        .and_then(|s| s.split("b4 prep --auto-to-cc").next())
        .and_then(|s| s.rsplit("```sh\n").next())
        .ok_or("README.md has no b4 auto-to-cc setup")?;
    let mut path = std::ffi::OsString::from(r.home.path().join(".local/bin"));
    path.push(":");
    path.push(bpf_policy_e2e::tools_path()?);
    let run = |args: &[&str]| -> Result<Output, std::io::Error> {
        r.cmd(args[0])
            .args(&args[1..])
            .env("PATH", &path)
            .env("XDG_CACHE_HOME", r.home.path().join(".cache"))
            .env("XDG_DATA_HOME", r.home.path().join(".local/share"))
            // b4 looks for its cover commit among the last year's commits only.
            .env_remove("GIT_AUTHOR_DATE")
            .env_remove("GIT_COMMITTER_DATE")
            .output()
    };
    let ok = |args: &[&str]| -> Result<String, Box<dyn std::error::Error>> {
        let out = run(args)?;
        let text = format!("{}{}", stdout(&out), stderr(&out));
        if !out.status.success() {
            return Err(format!("{args:?} failed: {text}").into());
        }
        Ok(text)
    };
    ok(&["b4", "prep", "-n", "filter"])?;
    ok(&["b4", "prep", "--set-prefixes", "bpf-next"])?;
    for line in block.lines().filter(|l| l.starts_with("git config")) {
        ok(&["sh", "-c", line])?;
    }
    let p = r.path().join("net/core/filter.c");
    std::fs::write(&p, format!("{}int z;\n", std::fs::read_to_string(&p)?))?;
    r.git(&["add", "."])?;
    let msg = format!("bpf: Let tc programs call the new helper\n\n{WHY}\n\n{SOB}");
    ok(&["git", "commit", "-q", "-m", &msg])?;
    ok(&["b4", "prep", "--auto-to-cc"])?;
    let out_dir = r.home.path().join("out");
    let out_s = out_dir.to_string_lossy().into_owned();
    ok(&["b4", "send", "-o", &out_s, "--no-sign"])?;
    let mut mails = String::new();
    for e in std::fs::read_dir(&out_dir)? {
        mails.push_str(&std::fs::read_to_string(e?.path())?);
    }
    for who in [
        "netdev@vger.kernel.org",
        "bpf@vger.kernel.org",
        "Jakub Kicinski <kuba@kernel.org>",
        "Alexei Starovoitov <ast@kernel.org>",
    ] {
        assert!(mails.contains(who), "{who} missing:\n{mails}");
    }
    Ok(())
}

/// `.mailmap` at HEAD renames people as get_maintainer.pl does: `recipients` prints the address
/// they read now, and fixes-author-cc takes either that one or the committed one.
#[test]
fn mailmap_gives_the_addresses_people_read_now() -> TestResult {
    let (r, target) = kernel_like()?;
    std::fs::write(
        r.path().join(".mailmap"),
        "# moved on\n\
         Bug Author <bug@now.example.org> <bug.author@example.org>\n\
         David Miller <davem@now.example.org> <davem@davemloft.net>\n",
    )?;
    r.git(&["add", ".mailmap"])?;
    r.git(&["commit", "-q", "--no-verify", "-m", "Add .mailmap"])?;
    let patch = fix(&r, &target)?;
    let bin = r.home.path().join(".local/bin/bpf-policy");
    let out = r
        .cmd(&bin)
        .args(["recipients", "--cc"])
        .arg(&patch)
        .output()?;
    let cc = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    for now in [
        "Bug Author <bug@now.example.org>",
        "David Miller <davem@now.example.org>",
    ] {
        assert!(cc.lines().any(|l| l == now), "{now} missing from:\n{cc}");
    }
    assert!(
        !cc.contains("bug.author@example.org") && !cc.contains("davemloft"),
        "{cc}"
    );

    // get_maintainer.pl, where perl is installed, prints the same mapped addresses.
    let perl_ok = std::process::Command::new("perl")
        .args(["-e", "1"])
        .output()
        .is_ok_and(|o| o.status.success());
    if perl_ok {
        let out = r
            .cmd("perl")
            .arg(workspace_root().join("tests/data/maintainers/get_maintainer.pl"))
            .args([
                "--no-git",
                "--no-git-fallback",
                "--no-rolestats",
                "--no-tree",
            ])
            .arg(&patch)
            .output()?;
        let theirs = stdout(&out);
        for now in ["<bug@now.example.org>", "<davem@now.example.org>"] {
            assert!(theirs.contains(now), "get_maintainer.pl printed:\n{theirs}");
        }
    }

    // Sent to the committed address, the author is reached: no fixes-author-cc.
    let (script, _log) = smtp_script(&r)?;
    sends_without_fixes_author_warning(&r, &script, "bug.author@example.org", &patch)
}

/// A netdev patch touching a devicetree binding: the people its `maintainers:` names (as
/// HEAD has the file) are warned about when missing, and `recipients --cc` adds them.
#[test]
fn people_a_touched_binding_names_are_warned_and_filled_in() -> TestResult {
    let (r, _) = kernel_like()?;
    let binding = "Documentation/devicetree/bindings/net/acme,foo-eth.yaml";
    let vendored = workspace_root()
        .join("tests/data/maintainers/files/37-dt-binding-new")
        .join(binding);
    for (f, text) in [
        (binding, std::fs::read_to_string(vendored)?),
        ("drivers/net/ethernet/acme/foo.c", "int foo;\n".to_owned()),
    ] {
        let p = r.path().join(f);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(&p, text)?;
    }
    r.git(&["add", "."])?;
    let msg = format!("net: acme: Add the Foo 10G Ethernet driver\n\n{WHY}\n\n{SOB}");
    let out = r.cmd("git").args(["commit", "-q", "-m", &msg]).output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, files) = r.format_patch(&["--subject-prefix=PATCH net-next", "-1"])?;
    let patch = files
        .into_iter()
        .next()
        .ok_or("format-patch wrote nothing")?;
    // A work-tree edit is not what the patch was made from.
    let p = r.path().join(binding);
    let head = std::fs::read_to_string(&p)?;
    std::fs::write(
        &p,
        head.replace(
            "maintainers:\n",
            "maintainers:\n  - Work Tree <wt@example.org>\n",
        ),
    )?;

    let to = recipients(&r, &patch, "--to")?;
    let cc = recipients(&r, &patch, "--cc")?;
    let named = [
        "\"María García-Núñez\" <jm.garcia@acme.example>",
        "\"J. R. Hartley\" <jr.hartley@acme.example>",
        "\"O'Brien-Ní Bhriain\" <zoe@acme.example>",
        "go to <support@acme.example>",
    ];
    // After MAINTAINERS' people, in the file's order; those MAINTAINERS names already
    // (Krzysztof Kozlowski, Andrew Lunn under other addresses) once.
    let cc_lines: Vec<&str> = cc.lines().collect();
    let at = cc_lines
        .iter()
        .position(|l| *l == named[0])
        .ok_or_else(|| cc.clone())?;
    assert_eq!(&cc_lines[at..], named, "{cc}");
    assert!(
        cc_lines[..at].contains(&"Rob Herring <robh@kernel.org>"),
        "{cc}"
    );
    assert!(
        !cc.contains("krzk@kernel.org") && !cc.contains("andrew@lunn.ch"),
        "{cc}"
    );
    assert!(!cc.contains("wt@example.org"), "{cc}");
    assert!(!to.contains("acme.example"), "{to}");

    // Every list addressed, nobody in Cc: maintainers-cc names the binding's people.
    let (script, log) = smtp_script(&r)?;
    let mut opts = vec!["--suppress-cc=all".to_owned()];
    opts.extend(to.lines().map(|l| format!("--to={l}")));
    let mut opts: Vec<&str> = opts.iter().map(String::as_str).collect();
    let out = send(&r, &script, &[], &opts, &patch)?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let warning = format!(
        "not in To: or Cc:, named in {binding}: {}",
        named.join(", ")
    );
    assert!(
        err.contains("maintainers-cc") && err.contains(&warning),
        "{warning}\nnot in:\n{err}"
    );
    assert_eq!(mails(&log)?.len(), 1);

    // With git asking bpf-policy for the Cc's, they are all there and nothing is warned.
    // (--suppress-cc=all would drop what ccCmd gives too.)
    std::fs::remove_file(r.path().join(".git/bpf-policy/sent.log"))?;
    opts[0] = "--suppress-cc=self";
    let out = send(
        &r,
        &script,
        &["sendemail.ccCmd=bpf-policy recipients --cc"],
        &opts,
        &patch,
    )?;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("maintainers-cc"), "{err}");
    // The second mail (the binding in both bodies names them; the headers tell).
    let sent = mails(&log)?;
    assert_eq!(sent.len(), 2);
    let h = sent
        .iter()
        .map(|m| headers(m))
        .find(|h| h.contains("Cc:"))
        .ok_or("no mail with a Cc:")?;
    let acme = ["jm.garcia", "jr.hartley", "zoe", "support"];
    let missing: Vec<&str> = acme
        .into_iter()
        .filter(|a| !h.contains(&format!("{a}@acme.example")))
        .collect();
    assert!(missing.is_empty(), "{missing:?} missing from:\n{h}");
    Ok(())
}
