//! Parity with scripts/get_maintainer.pl: for every patch in tests/data/maintainers/patches,
//! the addresses found against the kernel's real MAINTAINERS equal what
//! `get_maintainer.pl --no-git --no-git-fallback --no-rolestats` printed for it (recorded in
//! expected/ by record-expected.sh), with the people named in the `.yaml` bindings a patch
//! touches (files/<patch>/ holds them). Where perl is installed, get_maintainer.pl is also run
//! on the spot, so the recorded files cannot drift from the script.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bpf_policy::file_emails::{file_emails, names_people};
use bpf_policy::maintainers::{Lookup, Maintainers, Role};

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

/// The touched `.yaml` files a patch's tree holds (files/<name>/, as the tree has them after
/// the patch): get_maintainer.pl reads the addresses in those that exist.
fn in_files(found: &mut Lookup, name: &str) -> Result<(), String> {
    let tree = data().join("files").join(name);
    let mut named = Vec::new();
    for f in found.files.iter().filter(|f| names_people(f)) {
        let path = tree.join(f);
        if path.is_file() {
            named.push((f.clone(), file_emails(&read(&path)?)));
        }
    }
    let named: Vec<(&str, Vec<String>)> =
        named.iter().map(|(f, e)| (f.as_str(), e.clone())).collect();
    // No .mailmap in the scratch directory get_maintainer.pl ran in.
    found.add_in_file(&named, str::to_owned);
    Ok(())
}

#[test]
fn bindings_name_people() -> R {
    // The parity data has patches whose .yaml files name people, some of them already in
    // MAINTAINERS under another address.
    let m = Maintainers::parse(&read(&data().join("MAINTAINERS"))?);
    let mut with_people = 0;
    for p in patches()? {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut found = m.lookup(&[read(&p)?]);
        in_files(&mut found, &name)?;
        if found.people.iter().any(|r| r.role == Role::InFile) {
            with_people += 1;
        }
    }
    assert!(with_people >= 2, "{with_people}");
    Ok(())
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
        let mut found = m.lookup(&[read(p)?]);
        in_files(&mut found, &name)?;
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
        // The people named in files come in a fixed order (files sorted, then as written).
        let ours: Vec<&str> = found
            .people
            .iter()
            .filter(|r| r.role == Role::InFile)
            .map(|r| r.display.as_str())
            .collect();
        let theirs: Vec<&str> = want.iter().copied().filter(|w| ours.contains(w)).collect();
        assert_eq!(
            ours, theirs,
            "{name}: the order of the people named in files"
        );
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
    // Six patches, and every one whose tree holds files (the .yaml bindings).
    let list = patches()?;
    let chosen = list.iter().enumerate().filter(|(i, p)| {
        *i < 6
            || p.file_stem()
                .is_some_and(|n| data().join("files").join(n).is_dir())
    });
    for (_, p) in chosen {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = scratch.path().join(&name);
        std::fs::create_dir_all(&dir)?;
        std::fs::copy(data().join("MAINTAINERS"), dir.join("MAINTAINERS"))?;
        copy_tree(&data().join("files").join(&name), &dir)?;
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

/// Copy a directory's files below `to`, keeping their paths (nothing when it does not exist).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    for e in entries {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_tree(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}
