#!/bin/sh
# Fuzz one target for a while with cargo-fuzz (libFuzzer), on the stable toolchain.
#
#   fuzz/run.sh TARGET [SECONDS] [LIBFUZZER_ARGS...]   fuzz for SECONDS (default 600)
#   fuzz/run.sh TARGET FILE                            run one saved input, such as a crash
#   fuzz/run.sh list
#
# TARGET: email, mbox, prefix, message or pipeline (fuzz/fuzz_targets/). Inputs that crash,
# hang (over 10 s) or run out of memory land in fuzz/artifacts/TARGET/. The corpus grows in
# fuzz/corpus/TARGET/ (made by seed.sh on first use).
#
# Needs: cargo install cargo-fuzz, a C++ compiler (libfuzzer-sys builds libFuzzer), git and
# python3 (seed.sh). cargo-fuzz passes -Z flags to rustc (sanitizer coverage, ASan);
# RUSTC_BOOTSTRAP=1 lets the stable compiler accept them, which is all a nightly would add.
#
# Environment: CARGO_TARGET_DIR (default fuzz/target); FUZZ_SANITIZER (none, the default, or
# address: the library forbids unsafe code, so Rust's own checks already catch what ASan would
# there and ASan only watches the dependencies, at about half the executions per second);
# FUZZ_RSS_MB (memory limit, default 2048).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
targets="email mbox prefix message pipeline"
target=${1:-}
if [ -z "$target" ] || [ "$target" = list ] || [ "$target" = -h ] || [ "$target" = --help ]; then
	sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
	echo "targets: $targets"
	[ "$target" = list ] && exit 0
	exit 2
fi
case " $targets " in
*" $target "*) ;;
*)
	echo "run.sh: no target '$target' (targets: $targets)" >&2
	exit 2
	;;
esac
secs=${2:-600}
replay=
if [ -f "$secs" ]; then
	replay=$(cd "$(dirname "$secs")" && pwd)/$(basename "$secs")
fi
[ $# -ge 2 ] && shift 2 || shift $#

command -v cargo-fuzz >/dev/null 2>&1 || {
	echo "run.sh: cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
	exit 2
}

cd "$here"
if [ ! -d "corpus/$target" ] || [ -z "$(ls -A "corpus/$target")" ]; then
	./seed.sh
fi
mkdir -p "artifacts/$target"

export RUSTC_BOOTSTRAP=1
sanitizer=${FUZZ_SANITIZER:-none}
build_dir=${CARGO_TARGET_DIR:-$here/target}
if [ -n "$replay" ]; then
	exec cargo fuzz run --sanitizer "$sanitizer" --target-dir "$build_dir" "$target" "$replay"
fi
# One job on one core: the machines this runs on are shared. -timeout catches hangs (a
# quadratic loop on a large input), -rss_limit_mb runaway allocation; both count as crashes.
exec cargo fuzz run \
	--sanitizer "$sanitizer" \
	--target-dir "$build_dir" \
	"$target" "corpus/$target" -- \
	-max_total_time="$secs" \
	-timeout=10 \
	-rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
	-print_final_stats=1 \
	"$@"
