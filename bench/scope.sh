#!/usr/bin/env bash
# Whole-process benchmark of the commit-msg hook where scope detection needs MAINTAINERS: a
# repository holding the kernel's MAINTAINERS (tests/data/maintainers), a commit staged, and
# no target tree known (so the staged files decide whether the BPF rules apply), beside the
# same with `bpf-policy.tree` set and /bin/true. Where MAINTAINERS is read, the hook is timed
# twice: `cold`, with the cache of our entries (.git/bpf-policy/maintainers-*.ours) removed
# before each run, so it reads the whole file and writes the cache, and `warm`, with the
# cache in place. Prints medians and ratios to /bin/true; nothing here is a test.
# Usage: bench/scope.sh [--runs N] [--base DIR]
#   --base DIR  a directory holding another build's bpf-policy-commit-msg, timed in the same run
# Needs: cargo, git, hyperfine (Debian: apt-get install hyperfine); valgrind, when installed,
# adds instruction counts, which a loaded machine does not blur as it blurs wall time.
set -euo pipefail

runs=50
base=
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--base) base=$2; shift 2 ;;
	*) echo "usage: $0 [--runs N] [--base DIR]" >&2; exit 2 ;;
	esac
done
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
bench_build bpf-policy-hooks
bin=$CARGO_TARGET_DIR/release
bench_home
bench_identity

# One kernel-like repository per case: MAINTAINERS and a file committed, a change to the
# file staged. `bpf` stages a BPF file (in scope, every rule runs), `ext4` one no BPF or
# networking entry covers (out of scope).
make_repo() { # dir file
	git init -q "$1"
	cp "$src/tests/data/maintainers/MAINTAINERS" "$1/"
	mkdir -p "$1/$(dirname "$2")"
	echo 'int a;' >"$1/$2"
	git -C "$1" add -A
	git -C "$1" commit -q -m init
	echo 'int b;' >"$1/$2"
	git -C "$1" add -A
}
make_repo "$work/bpf" kernel/bpf/core.c
make_repo "$work/ext4" fs/ext4/inode.c
cp -a "$work/bpf" "$work/bpf-tree"
git -C "$work/bpf-tree" config bpf-policy.tree bpf-next
printf 'bpf: Fix a refcount leak in map update\n\nThe error path dropped a reference the caller still held.\n\nSigned-off-by: A U Thor <author@example.org>\n' >"$work/msg"

# hyperfine runs without a shell (-N): each command, and each --prepare, is split on blanks.
for case in bpf ext4 bpf-tree; do
	cd "$work/$case"
	hook="$bin/bpf-policy-commit-msg $work/msg"
	state=$work/$case/.git/bpf-policy
	cmds=() prep=() names=()
	if [ "$case" = bpf-tree ]; then
		# The tree decides; MAINTAINERS is not read, so there is no cache to be cold or warm.
		cmds+=("$hook") prep+=(true) names+=(hook)
	else
		cmds+=("$hook" "$hook") prep+=("rm -rf $state" true) names+=("hook, cold cache" "hook, warm cache")
	fi
	if [ -n "$base" ]; then
		cmds+=("$base/bpf-policy-commit-msg $work/msg") prep+=(true) names+=("base (--base)")
	fi
	cmds+=("/bin/true") prep+=(true) names+=(/bin/true)
	args=()
	for i in "${!cmds[@]}"; do
		args+=(--prepare "${prep[$i]}" --command-name "${names[$i]}" "${cmds[$i]}")
	done
	echo "== $case ($(git diff --cached --name-only), tree: $(git config bpf-policy.tree || echo unset))"
	hyperfine -N -i --style none --warmup 3 --runs "$runs" --export-json "$work/$case.json" "${args[@]}" >/dev/null
	median "$work/$case.json"
	# Each median as a multiple of the last command's, /bin/true (process start alone).
	awk -F: '/"command"/ {c=$2; gsub(/^ *"|",?$/, "", c)} /"median"/ {gsub(/[ ,]/, "", $2); m[++n]=$2; name[n]=c} END {for (i=1; i<n; i++) printf "  %-40s %6.2fx /bin/true\n", name[i], m[i]/m[n]}' "$work/$case.json"
	if command -v valgrind >/dev/null; then
		for i in "${!cmds[@]}"; do
			c=${cmds[$i]}
			[ "$c" = /bin/true ] && continue
			# shellcheck disable=SC2086 # each is a command split on blanks, as hyperfine -N does
			${prep[$i]}
			# shellcheck disable=SC2086
			n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $c 2>&1 | awk '/refs:/ {gsub(/,/, "", $NF); print $NF}')
			printf '  %-40s %8.1f M instructions\n' "${names[$i]}" "$(echo "$n" | awk '{print $1 / 1e6}')"
		done
	fi
done
