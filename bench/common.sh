# shellcheck shell=bash
# Set-up the benchmarks share, sourced by each after it has read its options: where the
# sources and the release build are, a private HOME, and hyperfine's medians.

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$src/target/bench}

bench_build() { # package...
	local args=()
	for p in "$@"; do args+=(-p "$p"); done
	(cd "$src" && cargo build --release --quiet "${args[@]}")
}

# A temporary $work (removed on exit) holding HOME, and no git state from the caller.
bench_home() {
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	for v in GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_COMMON_DIR GIT_CONFIG_PARAMETERS; do unset "$v"; done
	export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
	mkdir -p "$HOME"
}

# The commits' author, in HOME's git config.
bench_identity() {
	git config --global user.name "A U Thor"
	git config --global user.email author@example.org
}

median() { # hyperfine json [width] -> median ms per command, the command cut to width
	awk -F: -v w="${2:-90}" '/"command"/ {c=$2} /"median"/ {gsub(/[ ,]/, "", $2); printf "  %-" w "s %8.2f ms\n", substr(c, 1, w), $2 * 1000}' "$1"
}
