//! The manual page, the completion scripts and `bpf-policy hook`'s own failures.

use std::path::Path;
use std::process::Command;

use bpf_policy_e2e::{TestResult, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_bpf-policy");

/// roff writes a hyphen as `\-`.
fn roff(s: &str) -> String {
    s.replace('-', "\\-")
}

#[test]
fn man_page_lists_every_rule_and_the_exit_status() -> TestResult {
    let out = Command::new(BIN).arg("man").output()?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH bpf\\-policy 1") || page.contains(".TH bpf-policy 1"));
    for section in [
        "SYNOPSIS",
        "SUBCOMMANDS",
        "RULES",
        "EXIT STATUS",
        "CONFIGURATION",
    ] {
        assert!(
            page.contains(&format!(".SH \"{section}\""))
                || page.contains(&format!(".SH {section}")),
            "{section}"
        );
    }
    for r in bpf_policy::RULES {
        assert!(
            page.contains(&format!("\\fB{}\\fR", roff(r.info.id))),
            "{}",
            r.info.id
        );
    }
    for sub in ["check", "rules", "explain", "hook", "completions", "man"] {
        assert!(
            page.contains(&roff(&format!("bpf-policy-{sub}(1)"))),
            "{sub}"
        );
    }

    let dir = tempfile::tempdir()?;
    let out = Command::new(BIN)
        .args(["man", "--out-dir"])
        .arg(dir.path())
        .output()?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for page in [
        "bpf-policy.1",
        "bpf-policy-check.1",
        "bpf-policy-rules.1",
        "bpf-policy-explain.1",
        "bpf-policy-hook.1",
        "bpf-policy-completions.1",
        "bpf-policy-man.1",
    ] {
        let p = dir.path().join(page);
        assert!(stdout(&out).contains(&p.display().to_string()), "{page}");
        assert!(std::fs::read_to_string(&p)?.contains(".SH NAME"), "{page}");
    }
    let check = std::fs::read_to_string(dir.path().join("bpf-policy-check.1"))?;
    assert!(check.contains(&roff("--range")) && check.contains(&roff("--format")));
    Ok(())
}

#[test]
fn completion_scripts_know_subcommands_rules_and_trees() -> TestResult {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Command::new(BIN).args(["completions", shell]).output()?;
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in ["explain", "range", "tree"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
        // clap_complete writes the values of a positional argument for bash and zsh only.
        if matches!(shell, "bash" | "zsh") {
            for word in ["fixes-required", "bpf-next"] {
                assert!(script.contains(word), "{shell} lacks {word}");
            }
        }
    }
    // bash must at least parse it.
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bpf-policy.bash");
    let out = Command::new(BIN).args(["completions", "bash"]).output()?;
    std::fs::write(&file, &out.stdout)?;
    let out = Command::new("bash").arg("-n").arg(&file).output()?;
    assert!(out.status.success(), "{}", stderr(&out));

    let out = Command::new(BIN).args(["completions", "tcsh"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

/// Run `bpf-policy ARGS` with its standard output on a terminal (a pty made by util-linux
/// `script`), with `path_front` ahead of PATH; returns what appeared on that terminal.
fn on_a_terminal(
    path_front: &Path,
    env: &[(&str, &str)],
    args: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![path_front.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    let out = Command::new("script")
        .args([
            "-q",
            "-e",
            "-c",
            &format!("'{BIN}' {args} </dev/null"),
            "/dev/null",
        ])
        .env("PATH", std::env::join_paths(dirs)?)
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    Ok(stdout(&out))
}

#[test]
fn man_on_a_terminal_goes_through_man() -> TestResult {
    let piped = Command::new(BIN).arg("man").output()?;
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    assert!(stdout(&piped).starts_with(".ie \\n(.g") || stdout(&piped).contains("\n.TH "));

    // A man that records how it was called and what it was given.
    let dir = tempfile::tempdir()?;
    let fake = dir.path().join("man");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{d}/args'\ncat > '{d}/page'\n",
            d = dir.path().display()
        ),
    )?;
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let shown = on_a_terminal(dir.path(), &[], "man")?;
    assert!(!shown.contains(".TH"), "{shown}");
    assert_eq!(std::fs::read_to_string(dir.path().join("args"))?, "-l\n-\n");
    assert_eq!(std::fs::read(dir.path().join("page"))?, piped.stdout);

    // The real man lays it out: section titles as text, no roff requests.
    let empty = tempfile::tempdir()?;
    let shown = on_a_terminal(
        empty.path(),
        &[
            ("MANPAGER", "cat"),
            ("PAGER", "cat"),
            ("MANWIDTH", "100"),
            ("TERM", "dumb"),
        ],
        "man",
    )?;
    let plain: String = strip_overstrike(&shown);
    assert!(
        plain.contains("EXIT STATUS") && plain.contains("fixes-required"),
        "{plain}"
    );
    assert!(!plain.contains(".SH") && !plain.contains("\\fB"), "{plain}");
    Ok(())
}

/// Terminal text without bold/underline: grotty's overstrikes (`X\bX`) and SGR sequences.
fn strip_overstrike(s: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{8}' => {
                out.pop();
            }
            '\u{1b}' => {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out.into_iter().collect()
}

/// What bash offers for the words typed so far (the last one is being completed), by running
/// the generated completion function the way bash's programmable completion calls it.
fn bash_complete(script: &Path, words: &[&str]) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(script)?;
    // The function the script registers for bpf-policy, as `complete -F NAME ... bpf-policy`.
    let func = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("complete -F "))
        .filter(|l| l.ends_with(" bpf-policy"))
        .find_map(|l| l.split_whitespace().next())
        .ok_or("the script registers no function for bpf-policy")?;
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prog = format!(
        "source \"$1\" || exit 9\n\
         COMP_WORDS=({words})\n\
         COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
         COMP_POINT=${{#COMP_LINE}}\n\
         {func} bpf-policy \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" ")
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &prog, "bash"])
        .arg(script)
        .output()?;
    if !out.status.success() {
        return Err(format!("bash failed: {}", stderr(&out)).into());
    }
    let mut offered: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    offered.sort();
    Ok(offered)
}

#[test]
fn bash_completes_after_a_subcommand() -> TestResult {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("bpf-policy.bash");
    let out = Command::new(BIN).args(["completions", "bash"]).output()?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(&script, &out.stdout)?;

    assert_eq!(
        bash_complete(&script, &["bpf-policy", "expl"])?,
        ["explain"]
    );
    // Every rule id with that start, whichever rules the table holds.
    let mut fixes: Vec<&str> = bpf_policy::RULES
        .iter()
        .map(|r| r.info.id)
        .filter(|id| id.starts_with("fixes-"))
        .collect();
    fixes.sort_unstable();
    assert!(fixes.len() >= 4);
    assert_eq!(
        bash_complete(&script, &["bpf-policy", "explain", "fixes-"])?,
        fixes
    );
    let mut trees: Vec<&str> = bpf_policy::tree::Tree::ALL
        .iter()
        .map(|t| t.name())
        .collect();
    trees.sort_unstable();
    assert_eq!(
        bash_complete(&script, &["bpf-policy", "check", "--tree", ""])?,
        trees
    );
    assert_eq!(
        bash_complete(&script, &["bpf-policy", "check", "--form"])?,
        ["--format"]
    );
    assert_eq!(
        bash_complete(&script, &["bpf-policy", "check", "--format", "j"])?,
        ["json"]
    );
    assert_eq!(
        bash_complete(&script, &["bpf-policy", "completions", "fi"])?,
        ["fish"]
    );
    Ok(())
}

#[test]
fn explain_and_tree_keep_their_own_errors() -> TestResult {
    // Completions offer the values; the command still says what is wrong in its own words.
    let out = Command::new(BIN)
        .args(["explain", "fixes-requierd"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean 'fixes-required'"));
    let out = Command::new(BIN)
        .args(["check", "--no-repo", "--tree", "bpf_next", "-"])
        .stdin(std::process::Stdio::null())
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown tree 'bpf_next'"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn hook_without_its_program_says_how_to_install_it() -> TestResult {
    // A bpf-policy on its own, with nothing on PATH: the hook programs are nowhere.
    let dir = tempfile::tempdir()?;
    let lone = dir.path().join("bpf-policy");
    std::fs::copy(BIN, &lone)?;
    let msg = dir.path().join("msg");
    std::fs::write(&msg, "bpf: Add a\n")?;
    // A test thread that forks while the copy is still open for writing leaves its child
    // holding that descriptor until exec: running the copy then fails with ETXTBSY for a
    // moment. Try again rather than fail on that race.
    let mut tries = 0;
    let out = loop {
        match Command::new(&lone)
            .args(["hook", "commit-msg"])
            .arg(&msg)
            .env("PATH", dir.path().join("nothing-here"))
            .output()
        {
            Err(e) if e.raw_os_error() == Some(26) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other?,
        }
    };
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bpf-policy-commit-msg") && err.contains("install.sh"),
        "{err}"
    );
    let out = Command::new(BIN).args(["hook", "post-merge"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}
