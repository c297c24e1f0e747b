//! What the series changes: verifier, JITs, UAPI, samples; and when it is sent.

use super::{Context, Out, patches};
use crate::item::{ChangeStatus, Item};
use crate::repo::RepoFacts;
use crate::tree::Tree;

fn first_touching<'a>(items: &'a [Item], pred: &dyn Fn(&str) -> bool) -> Option<&'a Item> {
    patches(items).find(|i| i.touches(pred))
}

fn any_touches(items: &[Item], pred: &dyn Fn(&str) -> bool) -> bool {
    patches(items).any(|i| i.touches(pred))
}

fn is_bpf_selftest(p: &str) -> bool {
    p.starts_with("tools/testing/selftests/bpf/")
}

/// verifier-selftests
pub(super) fn verifier_selftests(items: &[Item], _cx: &Context<'_>, out: &mut Out<'_>) {
    let verifier = |p: &str| p == "kernel/bpf/verifier.c" || p == "include/linux/bpf_verifier.h";
    let Some(item) = first_touching(items, &verifier) else {
        return;
    };
    if any_touches(items, &is_bpf_selftest) {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        "the series changes the verifier but adds no selftests under tools/testing/selftests/bpf/".into(),
        Some("add test cases (verifier/*.c, progs/verifier_*.c or prog_tests/) in a patch of the same series".into()),
    );
}

/// A BPF JIT lives in arch/<arch>/net/.
fn is_jit(p: &str) -> bool {
    p.strip_prefix("arch/")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(_, r)| r.starts_with("net/"))
}

/// jit-tests
pub(super) fn jit_tests(items: &[Item], _cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(item) = first_touching(items, &is_jit) else {
        return;
    };
    if any_touches(items, &|p| is_bpf_selftest(p) || p == "lib/test_bpf.c") {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        "the series changes a BPF JIT (arch/*/net/) but adds no test in lib/test_bpf.c or the BPF selftests".into(),
        Some("add cases to lib/test_bpf.c or tools/testing/selftests/bpf/ so every JIT gets run-time coverage".into()),
    );
}

/// uapi-tools-sync
pub(super) fn uapi_tools_sync(items: &[Item], _cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(item) = first_touching(items, &|p| p == "include/uapi/linux/bpf.h") else {
        return;
    };
    if any_touches(items, &|p| p == "tools/include/uapi/linux/bpf.h") {
        return;
    }
    out.fail(
        item,
        Some(&item.subject_line()),
        "include/uapi/linux/bpf.h changes but its copy tools/include/uapi/linux/bpf.h does not".into(),
        Some(
            "make the same change to tools/include/uapi/linux/bpf.h in this series; if programs or maps can now \
             report new information, teach bpftool to dump it too"
                .into(),
        ),
    );
}

/// samples-not-selftests
pub(super) fn samples_not_selftests(items: &[Item], _cx: &Context<'_>, out: &mut Out<'_>) {
    for item in patches(items) {
        let Some(files) = &item.files else { continue };
        for f in files {
            let name = f
                .path
                .rsplit('/')
                .next()
                .unwrap_or(&f.path)
                .to_ascii_lowercase();
            if f.status == ChangeStatus::Added
                && f.path.starts_with("samples/bpf/")
                && name.contains("test")
            {
                out.fail(
                    item,
                    Some(&item.subject_line()),
                    format!("{} is a new test-like file in samples/bpf/", f.path),
                    Some("tests belong in tools/testing/selftests/bpf/, where CI runs them; samples are for simple demos".into()),
                );
            }
        }
    }
}

/// Whether the newest mainline tag says the merge window is open: a final vX.Y with no
/// later -rc1. Returns the tag when it is.
pub(crate) fn merge_window_open(repo: &dyn RepoFacts) -> Option<String> {
    let tags = repo.release_tags();
    // Only mainline's tags say anything about its merge window.
    if !crate::repo::is_kernel_tags(&tags) {
        return None;
    }
    let newest = tags
        .into_iter()
        .filter_map(|t| crate::repo::release_version(&t).map(|r| (r, t)))
        .max_by_key(|(r, _)| *r)?;
    (newest.0.2 == u32::MAX).then_some(newest.1)
}

/// merge-window
pub(super) fn merge_window(items: &[Item], cx: &Context<'_>, out: &mut Out<'_>) {
    let Some(repo) = cx.repo else { return };
    // "RFC patches ... welcome at any time".
    let Some(item) = items.iter().find(|i| {
        !i.prefix.as_ref().is_some_and(|p| p.rfc)
            && cx
                .sent_to(i)
                .is_some_and(|t| matches!(t, Tree::BpfNext | Tree::NetNext | Tree::BpfNextNet))
    }) else {
        return;
    };
    let Some(tag) = merge_window_open(repo) else {
        return;
    };
    out.fail(
        item,
        Some(&item.subject_line()),
        format!("the merge window is open (newest tag {tag}, no -rc1 after it): bpf-next and net-next are closed"),
        Some("send after the next -rc1 is tagged (fixes can still go to bpf); fetch mainline tags if this is stale".into()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::{AncestryQuery, Resolved};

    struct Tags(Vec<&'static str>);
    impl RepoFacts for Tags {
        fn resolve_all(&self, ids: &[&str]) -> Vec<Resolved> {
            vec![Resolved::Missing("fake".into()); ids.len()]
        }
        fn ancestors(&self, queries: &[AncestryQuery<'_>]) -> Vec<Option<bool>> {
            vec![None; queries.len()]
        }
        fn release_tags(&self) -> Vec<String> {
            self.0.iter().map(|s| (*s).to_owned()).collect()
        }
    }

    #[test]
    fn merge_window_from_tags() {
        assert_eq!(
            merge_window_open(&Tags(vec!["v6.11", "v6.12-rc7", "v6.12"])),
            Some("v6.12".into())
        );
        assert_eq!(merge_window_open(&Tags(vec!["v6.12", "v6.13-rc1"])), None);
        assert_eq!(
            merge_window_open(&Tags(vec!["v6.9", "v6.10-rc2", "v6.10"])),
            Some("v6.10".into())
        );
        assert_eq!(merge_window_open(&Tags(vec![])), None);
        // A project's own release tags are not mainline's.
        assert_eq!(merge_window_open(&Tags(vec!["v0.3", "v6.2"])), None);
        assert!(is_jit("arch/x86/net/bpf_jit_comp.c"));
        assert!(!is_jit("net/core/filter.c"));
    }
}
