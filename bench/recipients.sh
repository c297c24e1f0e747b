#!/usr/bin/env bash
# Whole-process benchmark of `bpf-policy recipients` beside scripts/get_maintainer.pl on the
# same patches and the kernel's MAINTAINERS (tests/data/maintainers). Prints medians; nothing
# here is a test. Usage: bench/recipients.sh [--runs N] [--against BIN]
# --against BIN times another bpf-policy build (an older one, say) beside this one.
# Needs: cargo, git, perl, hyperfine (Debian: apt-get install hyperfine).
set -euo pipefail

runs=30
against=
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--against) against=$(realpath "$2"); shift 2 ;;
	*) echo "usage: $0 [--runs N] [--against BIN]" >&2; exit 2 ;;
	esac
done
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
command -v perl >/dev/null || { echo "perl is needed to run get_maintainer.pl" >&2; exit 2; }

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
data=$src/tests/data/maintainers
bench_build bpf-policy-cli
bin=$CARGO_TARGET_DIR/release/bpf-policy
bench_home

# A kernel-like repository: MAINTAINERS committed (bpf-policy reads it from HEAD's tree), and
# the directories of the patches' files, which get_maintainer.pl looks at with -d.
repo=$work/linux
git init -q "$repo"
cp "$data/MAINTAINERS" "$repo/"
for p in "$data"/patches/*.patch; do
	grep -E '^diff --git' "$p" | sed -E 's@^diff --git a/([^ ]+) b/([^ ]+)$@\1\n\2@' |
		while read -r f; do mkdir -p "$repo/$(dirname "$f")"; done
done
# A devicetree binding, for a 10-file patch that touches it (the ten-file patch with its
# last file swapped for the binding): its maintainers: are read from HEAD's tree.
binding=Documentation/devicetree/bindings/net/acme,foo-eth.yaml
mkdir -p "$repo/$(dirname "$binding")"
cp "$data/files/37-dt-binding-new/$binding" "$repo/$binding"
sed "s@lib/test_bpf.c@$binding@g" "$data/patches/34-ten-files.patch" >"$work/ten-files-one-yaml.patch"
git -C "$repo" add MAINTAINERS "$binding"
git -C "$repo" -c user.name=A -c user.email=a@example.org commit -q -m init

cd "$repo"
for p in "$data/patches/34-ten-files.patch" "$work/ten-files-one-yaml.patch" "$data/patches/01-net-core-filter.patch"; do
	name=$(basename "$p" .patch)
	echo "== $name ($(grep -c '^diff --git' "$p") files)"
	cmds=("$bin recipients $p")
	[ -z "$against" ] || cmds+=("$against recipients $p")
	hyperfine -N -i --style none --warmup 3 --runs "$runs" --export-json "$work/$name.json" \
		"${cmds[@]}" \
		"perl $data/get_maintainer.pl --no-git --no-git-fallback --no-rolestats --no-tree $p" >/dev/null
	median "$work/$name.json"
done
