//! The manual page, the completion scripts and `bpf-policy hook`'s own failures.

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
