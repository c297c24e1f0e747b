//! `bpf-policy man` and the values shell completions offer. The page is generated from the
//! clap definitions, so it cannot drift from `--help`, and its RULES section from the rule
//! table, so it cannot drift from `bpf-policy rules`.

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bpf_policy::RULES;
use bpf_policy::tree::Tree;
use clap::CommandFactory;
use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap_mangen::Man;
use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

use crate::{Cli, EXIT_OK, EXIT_UNUSABLE, print_out};

/// A value parser that takes any string but offers a list of values to shell completions.
/// Accepting anything keeps the command's own error for a wrong value, which suggests the
/// nearest rule id, where clap's would list all 25.
#[derive(Debug, Clone, Copy)]
pub struct Offer(pub fn() -> Vec<PossibleValue>);

impl TypedValueParser for Offer {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter()))
    }
}

/// Rule ids, for `explain RULE`.
pub fn rule_ids() -> Vec<PossibleValue> {
    RULES
        .iter()
        .map(|r| PossibleValue::new(r.info.id).help(r.info.summary))
        .collect()
}

/// Tree names, for `--tree`.
pub fn tree_names() -> Vec<PossibleValue> {
    Tree::ALL
        .iter()
        .map(|t| PossibleValue::new(t.name()))
        .collect()
}

/// The program name completions are generated for.
const BIN: &str = "bpf-policy";

/// A completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        clap_complete::Shell::Bash => fix_bash_labels(&script),
        _ => script,
    }
}

/// clap_complete's bash script (4.6; clap-rs/clap#6421) tracks the subcommand being completed
/// as `bpf__policy__subcmd__check`, escaping the program name and each subcommand word by word,
/// but labels the branch that completes it `bpf__subcmd__policy__subcmd__check`, escaping the
/// whole path at once: for a program name with a hyphen no branch ever matches, and nothing
/// after a subcommand completes. Spell the labels the way the tracking does. Once clap spells
/// them alike this finds nothing to replace.
fn fix_bash_labels(script: &str) -> String {
    let tracked = BIN.replace('-', "__");
    let labelled = BIN.replace('-', "__subcmd__");
    if tracked == labelled {
        return script.to_owned();
    }
    script
        .lines()
        .map(|line| {
            let label = line.trim_start();
            match label.strip_prefix(labelled.as_str()) {
                // A case label: the escaped path and `)`, alone on its line.
                Some(rest) if rest.ends_with(')') && !rest.contains(' ') => {
                    let indent = &line[..line.len() - label.len()];
                    format!("{indent}{tracked}{rest}\n")
                }
                _ => format!("{line}\n"),
            }
        })
        .collect()
}

/// Print bpf-policy(1), or write every page into `out_dir`.
pub fn run(out_dir: Option<&Path>) -> u8 {
    let result = match out_dir {
        None => main_page().and_then(|page| {
            // roff is for man, not for people: on a terminal, let man lay it out and page it.
            // Piped or redirected, the page source is what the reader wants (packagers, `man -l`).
            if std::io::stdout().is_terminal() {
                show(&page)
            } else {
                print_out(&String::from_utf8_lossy(&page));
                Ok(())
            }
        }),
        Some(dir) => write_pages(dir).map(|written| {
            let list: String = written
                .iter()
                .map(|p| format!("{}\n", p.display()))
                .collect();
            print_out(&list);
        }),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            crate::say(format_args!("cannot show or write the manual: {e}"));
            EXIT_UNUSABLE
        }
    }
}

/// Show a page through `man -l -` (man-db and mandoc read a page from standard input that
/// way), which formats it for the terminal and runs the user's pager. Without man, the source
/// is printed with a word on why.
fn show(page: &[u8]) -> std::io::Result<()> {
    let mut child = match Command::new("man")
        .args(["-l", "-"])
        .stdin(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            crate::say(format_args!(
                "cannot run man ({e}); printing the page source"
            ));
            print_out(&String::from_utf8_lossy(page));
            return Ok(());
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A pager quit before the end closes the pipe: that is the reader's choice, not an error.
        match stdin.write_all(page) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        }
    }
    let status = child.wait()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("man -l - failed ({status})")))
    }
}

fn command() -> clap::Command {
    // `help` is a clap convenience, not a command worth a section or a page of its own.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn source() -> String {
    format!("bpf-policy {}", env!("CARGO_PKG_VERSION"))
}

/// The page for the command itself, with the sections clap knows nothing of.
pub fn main_page() -> std::io::Result<Vec<u8>> {
    let man = Man::new(command()).source(source());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    extra_sections().to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// bpf-policy.1 and a page per subcommand, as packagers install them.
fn write_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let main = dir.join("bpf-policy.1");
    std::fs::write(&main, main_page()?)?;
    let mut written = vec![main];
    for sub in command().get_subcommands().filter(|s| !s.is_hide_set()) {
        written.push(Man::new(sub.clone()).source(source()).generate_to(dir)?);
    }
    Ok(written)
}

/// Text as one roff line: roff fills paragraphs itself, and a newline inside an inline would
/// start a line that roff might read as a request.
fn flow(text: &str) -> Inline {
    roman(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn entry(roff: &mut Roff, term: Vec<Inline>, text: &str) {
    roff.control("TP", []);
    roff.text(term);
    roff.text([flow(text)]);
}

fn extra_sections() -> Roff {
    let mut roff = Roff::new();

    roff.control("SH", ["RULES"]);
    roff.text([flow(
        "Each rule has a stable id, a default severity and the section of \
         Documentation/bpf/bpf_devel_QA.rst it comes from. An error blocks (exit status 1), a \
         warning is printed and does not block, a note is advice. ",
    )]);
    roff.text([
        bold("bpf-policy explain "),
        italic("RULE"),
        roman(" shows a bad and a good example of each."),
    ]);
    for r in RULES {
        let info = &r.info;
        let mut term = vec![bold(info.id), roman(format!(" ({}", info.severity.name()))];
        if info.needs_repo {
            term.push(roman("; needs a repository"));
        }
        term.push(roman(")"));
        roff.control("TP", []);
        roff.text(term);
        roff.text([flow(info.summary)]);
        roff.control("IP", []);
        roff.text([flow(info.explanation)]);
        roff.control("IP", []);
        roff.text([roman("Policy: "), flow(info.section)]);
    }

    roff.control("SH", ["EXIT STATUS"]);
    entry(
        &mut roff,
        vec![bold("0")],
        "No errors (warnings and notes allowed).",
    );
    entry(
        &mut roff,
        vec![bold("1")],
        "At least one error-level diagnostic.",
    );
    entry(
        &mut roff,
        vec![bold("2")],
        "The input or the environment was unusable: a missing, binary or truncated file, bad \
         arguments, --range outside a repository. A message says why on standard error.",
    );
    roff.text([flow(
        "The same holds for every hook, and for bpf-policy hook, which passes on the hook's \
         status.",
    )]);

    roff.control("SH", ["CONFIGURATION"]);
    roff.text([flow(
        "Settings are git config keys, so they follow repository, worktree and includeIf \
         scoping.",
    )]);
    entry(
        &mut roff,
        vec![bold("bpf-policy.tree")],
        "The target tree: bpf, bpf-next, net, net-next, iproute2 or iproute2-next. Without \
         it the tree comes from b4's tracking data (its prefixes), format.subjectPrefix, the \
         upstream remote or branch, or the patch's own subject prefix.",
    );
    entry(
        &mut roff,
        vec![bold("bpf-policy.pushRemote")],
        "A remote whose pushes are submissions: the pre-push hook blocks on errors there          (may repeat; * for every remote). Pushes to a remote whose URL names a tree are          submissions anyway, with that tree; other pushes are reported on and go ahead.",
    );
    entry(
        &mut roff,
        vec![bold("bpf-policy."), italic("RULE"), bold(".severity")],
        "error, warning, note or off for one rule.",
    );
    entry(
        &mut roff,
        vec![
            bold("bpf-policy.disable"),
            roman(", "),
            bold("bpf-policy.enable"),
        ],
        "Rule ids to turn off, or back on (comma or space separated; may repeat). The \
         switch wins over the severity whatever their order: enable undoes a severity of off \
         (the rule runs at its default severity), disable silences any severity. Among \
         several switches, or several severities, the last one wins. -W on the command line \
         wins over all of them.",
    );

    roff.control("SH", ["OTHER TOOLS"]);
    entry(
        &mut roff,
        vec![bold("b4")],
        "git config b4.prep-perpatch-check-cmd 'bpf-policy check --format checkpatch -' \
         makes b4 prep --check run the rules on each patch. b4 send does not run git's \
         sendemail-validate hook: check what it would send with b4 send -o DIR --no-sign, \
         then bpf-policy check DIR.",
    );
    entry(
        &mut roff,
        vec![bold("pre-commit")],
        "The hooks bpf-policy-commit-msg and bpf-policy-pre-push of the repository's \
         .pre-commit-hooks.yaml run bpf-policy hook commit-msg and bpf-policy hook pre-push.",
    );
    entry(
        &mut roff,
        vec![bold("CI")],
        "bpf-policy check --range origin/master..HEAD --format json prints one JSON object \
         per diagnostic per line; the exit status says whether to fail the job.",
    );
    entry(
        &mut roff,
        vec![bold("Shell completion")],
        "bpf-policy completions bash (zsh, fish, elvish, powershell) prints the script to \
         source or to install where the shell looks for completions.",
    );

    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "git(1), githooks(5), git-format-patch(1), git-send-email(1), b4(1)",
    )]);
    roff
}
