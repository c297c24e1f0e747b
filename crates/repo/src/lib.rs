//! git-backed repository facts for bpf-policy.
