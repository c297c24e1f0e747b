//! Parity with scripts/get_maintainer.pl: for every patch in tests/data/maintainers/patches,
//! the addresses found against the kernel's real MAINTAINERS equal what
//! `get_maintainer.pl --no-git --no-git-fallback --no-rolestats` printed for it (recorded in
//! expected/ by record-expected.sh). Where perl is installed, get_maintainer.pl is also run
//! on the spot, so the recorded files cannot drift from the script.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bpf_policy::maintainers::{Maintainers, Role};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/maintainers")
}

type R = Result<(), Box<dyn std::error::Error>>;

fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

fn patches() -> Result<Vec<PathBuf>, String> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data().join("patches"))
        .map_err(|e| format!("tests/data/maintainers/patches: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "patch"))
        .collect();
    v.sort();
    Ok(v)
}

#[test]
fn same_addresses_as_get_maintainer() -> R {
    let m = Maintainers::parse(&read(&data().join("MAINTAINERS"))?);
    assert!(
        m.len() > 3000,
        "the vendored MAINTAINERS is the kernel's whole file"
    );
    let list = patches()?;
    assert!(list.len() >= 30, "{} patches", list.len());
    let mut failures = Vec::new();
    for p in &list {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected = read(&data().join("expected").join(format!("{name}.txt")))?;
        let want: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        let found = m.lookup(&[read(p)?]);
        let got: Vec<&str> = found.all().map(|r| r.display.as_str()).collect();
        // get_maintainer.pl orders entries of equal depth by Perl's hash order, which
        // changes from run to run: compare the sets, and that people come before lists.
        let (w, g): (BTreeSet<&str>, BTreeSet<&str>) = (
            want.iter().copied().collect(),
            got.iter().copied().collect(),
        );
        if w != g || want.len() != got.len() {
            failures.push(format!(
                "{name}:\n  only get_maintainer.pl: {:?}\n  only ours: {:?}",
                w.difference(&g).collect::<Vec<_>>(),
                g.difference(&w).collect::<Vec<_>>()
            ));
        }
        let first_list = found
            .all()
            .position(|r| matches!(r.role, Role::List { .. }));
        if let Some(i) = first_list {
            assert!(
                found
                    .all()
                    .skip(i)
                    .all(|r| matches!(r.role, Role::List { .. })),
                "{name}: people after lists"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

/// The series form (`get_maintainer.pl a.patch b.patch`): one lookup over several patches.
#[test]
fn a_series_is_the_union_of_its_patches() -> R {
    let m = Maintainers::parse(&read(&data().join("MAINTAINERS"))?);
    let list = patches()?;
    let texts: Vec<String> = list
        .iter()
        .take(5)
        .map(|p| read(p))
        .collect::<Result<_, _>>()?;
    let whole: BTreeSet<String> = m
        .lookup(&texts)
        .all()
        .map(|r| r.email.to_lowercase())
        .collect();
    let mut union = BTreeSet::new();
    for t in &texts {
        union.extend(m.lookup(&[t]).all().map(|r| r.email.to_lowercase()));
    }
    assert_eq!(whole, union);
    Ok(())
}

/// Runs the vendored get_maintainer.pl where perl exists, and compares with expected/.
#[test]
fn recorded_output_is_what_the_script_prints() -> R {
    let perl_ok = std::process::Command::new("perl")
        .arg("-e")
        .arg("1")
        .output()
        .is_ok_and(|o| o.status.success());
    if !perl_ok {
        eprintln!("perl not installed: the recorded expected/ files stand alone");
        return Ok(());
    }
    let scratch = tempfile::tempdir()?;
    for p in patches()?.iter().take(6) {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = scratch.path().join(&name);
        std::fs::create_dir_all(&dir)?;
        std::fs::copy(data().join("MAINTAINERS"), dir.join("MAINTAINERS"))?;
        for line in read(p)?.lines() {
            if let Some(rest) = line.strip_prefix("diff --git a/") {
                for f in rest.split(" b/") {
                    if let Some(parent) = Path::new(f).parent() {
                        std::fs::create_dir_all(dir.join(parent))?;
                    }
                }
            }
        }
        let out = std::process::Command::new("perl")
            .current_dir(&dir)
            .arg(data().join("get_maintainer.pl"))
            .args([
                "--no-git",
                "--no-git-fallback",
                "--no-rolestats",
                "--no-tree",
            ])
            .arg(p)
            .output()?;
        let now: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        let recorded: BTreeSet<String> =
            read(&data().join("expected").join(format!("{name}.txt")))?
                .lines()
                .map(str::to_owned)
                .collect();
        assert_eq!(now, recorded, "{name}");
    }
    Ok(())
}
