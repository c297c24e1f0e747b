#!/usr/bin/env bash
# Whole-process benchmarks of bpf-policy, with hyperfine. Prints medians; nothing here is a
# test. Usage: bench/run.sh [--quick] [--checkpatch DIR]
#   --quick           10,000 commits of history instead of 100,000, fewer runs
#   --checkpatch DIR  a directory holding checkpatch.pl (and spelling.txt), kept outside this
#                     repository, to time side by side with the commit-msg hook
# Needs: cargo, git, hyperfine (Debian: apt-get install hyperfine), awk, GNU time (optional).
set -euo pipefail

quick=0
checkpatch=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--checkpatch) checkpatch=$2; shift 2 ;;
	*) echo "usage: $0 [--quick] [--checkpatch DIR]" >&2; exit 2 ;;
	esac
done
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

src=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$src/target/bench}
(cd "$src" && cargo build --release --quiet -p bpf-policy-cli -p bpf-policy-hooks)
bin=$CARGO_TARGET_DIR/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for v in GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_COMMON_DIR GIT_CONFIG_PARAMETERS; do unset "$v"; done
export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
mkdir -p "$HOME"
git config --global user.name "A U Thor"
git config --global user.email author@example.org
git config --global init.defaultBranch master

if [ "$quick" = 1 ]; then big=10000; runs=20; else big=100000; runs=50; fi
small=10000

# A linear history of N commits, each changing one of 500 files, with kernel-style messages;
# every 100th commit carries a Fixes: tag naming the commit 50 before it.
make_history() { # dir commits
	git init -q "$1"
	awk -v n="$2" 'BEGIN {
		for (i = 1; i <= n; i++) {
			printf "commit refs/heads/master\nmark :%d\n", i
			printf "author A U Thor <author@example.org> %d +0000\n", 1600000000 + i
			printf "committer A U Thor <author@example.org> %d +0000\n", 1600000000 + i
			msg = sprintf("bpf: Change number %d\n\nThis changes the code for reason %d, at some length so that\nthe message looks like a real one.\n\n", i, i)
			if (i % 100 == 0 && i > 50) msg = msg sprintf("Fixes: %012d (\"bpf: Change number %d\")\n", i - 50, i - 50)
			msg = msg "Signed-off-by: A U Thor <author@example.org>\n"
			printf "data %d\n%s\n", length(msg), msg
			printf "M 100644 inline kernel/bpf/file%d.c\ndata <<EOT\nint v = %d;\nEOT\n\n", i % 500, i
		}
	}' | git -C "$1" fast-import --quiet
	git -C "$1" reset -q --hard master
}

echo "== building histories ($small and $big commits)"
make_history "$work/small" "$small"
make_history "$work/big" "$big"

median() { # hyperfine json -> median ms per command
	awk -F: '/"command"/ {c=$2} /"median"/ {gsub(/[ ,]/, "", $2); printf "  %-70s %8.2f ms\n", substr(c, 1, 70), $2 * 1000}' "$1"
}
bench() { # name, hyperfine args...
	local name=$1; shift
	echo "== $name"
	hyperfine -N -i --style none --warmup 3 --runs "$runs" --export-json "$work/$name.json" "$@" >/dev/null
	median "$work/$name.json"
}

# 1. commit-msg on a typical message with a Fixes: tag (resolved and checked for ancestry),
#    in the big repository, against /bin/true and checkpatch.pl.
cd "$work/big"
fix_id=$(git rev-parse --short=12 HEAD~30)
fix_subject=$(git log -1 --format=%s HEAD~30)
printf 'bpf: Fix a refcount leak in map update\n\nThe error path dropped a reference the caller still held, so the map was\nfreed twice. Keep the reference until the caller is done with it.\n\nFixes: %s ("%s")\nSigned-off-by: A U Thor <author@example.org>\n' "$fix_id" "$fix_subject" >"$work/msg"
git format-patch -q -1 --stdout --subject-prefix='PATCH bpf' >"$work/one.patch"
cmds=("$bin/bpf-policy-commit-msg $work/msg" "/bin/true")
if [ -n "$checkpatch" ]; then
	cmds+=("perl $checkpatch/checkpatch.pl --no-tree -q $work/one.patch")
fi
bench commit-msg "${cmds[@]}"

# 2. The corpus in one process (the shell expands the file list: it is too long for one
#    argument of hyperfine's).
corpus=$src/tests/data/corpus
ls "$corpus"/*/*.msg >/dev/null || { echo "bench data $corpus is missing" >&2; exit 2; }
bench corpus "sh -c 'cd $corpus && exec $bin/bpf-policy check --no-repo --as message --format json */*.msg'"
n=$(ls "$corpus"/*/*.msg | wc -l)
awk -v n="$n" -F: '/"median"/ {gsub(/[ ,]/, "", $2); printf "  %d messages: %.0f messages/s\n", n, n / $2}' "$work/corpus.json"

# 3. A 10-patch series through sendemail-validate, one process per email as git runs them.
# The loop runs as a program named git-send-email (the hook keys its run on that process) with
# --dry-run on its command line (so nothing goes into the send log). BPF_POLICY_BASELINE=DIR
# times the sendemail-validate binary in DIR the same way, in the same run, for a ratio.
git format-patch -q --cover-letter -10 --subject-prefix='PATCH bpf-next' -o "$work/series" HEAD
sed -i -e 's/\*\*\* SUBJECT HERE \*\*\*/bpf: Ten changes/' -e 's/\*\*\* BLURB HERE \*\*\*/Ten changes, described./' "$work/series/0000-cover-letter.patch"
mkdir -p "$work/fake"
cat >"$work/fake/git-send-email" <<EOS
#!/bin/sh
hook=\$2
cd "$work/big"
total=\$(ls "$work/series" | wc -l); n=0
for f in "$work/series"/*.patch; do
	n=\$((n + 1))
	GIT_SENDEMAIL_FILE_COUNTER=\$n GIT_SENDEMAIL_FILE_TOTAL=\$total "\$hook" "\$f" || exit 1
done
EOS
chmod +x "$work/fake/git-send-email"
if [ -n "${BPF_POLICY_BASELINE:-}" ]; then
	bench sendemail-series "$work/fake/git-send-email --dry-run $bin/bpf-policy-sendemail-validate" \
		"$work/fake/git-send-email --dry-run $BPF_POLICY_BASELINE/bpf-policy-sendemail-validate" \
		"sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11; do /bin/true; done'"
else
	bench sendemail-series "$work/fake/git-send-email --dry-run $bin/bpf-policy-sendemail-validate" \
		"sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11; do /bin/true; done'"
fi

# 4. pre-push of new commits: grows with what is pushed, not with the history.
prepush() { # repo, commits pushed
	local head old
	head=$(git -C "$1" rev-parse HEAD)
	old=$(git -C "$1" rev-parse "HEAD~$2")
	printf 'refs/heads/master %s refs/heads/master %s\n' "$head" "$old" >"$work/push-$2-$(basename "$1")"
	echo "sh -c 'cd $1 && $bin/bpf-policy-pre-push origin $1 < $work/push-$2-$(basename "$1")'"
}
bench pre-push "$(prepush "$work/big" 1000)" "$(prepush "$work/small" 1000)" "$(prepush "$work/big" 100)" "$(prepush "$work/big" 10)"

# 5. --range over 1,000 commits, and one message with Fixes: tags far back in history.
bench range "$bin/bpf-policy check --format json --range HEAD~1000..HEAD" "$bin/bpf-policy check --format json --range HEAD~100..HEAD"
deep=$(git rev-parse --short=12 "HEAD~$((big / 2))")
printf 'bpf: Fix it\n\nBecause.\n\nFixes: %s ("%s")\nFixes: %s ("%s")\nSigned-off-by: A U Thor <author@example.org>\n' \
	"$fix_id" "$fix_subject" "$deep" "$(git log -1 --format=%s "$deep")" >"$work/deep.msg"
bench fixes-resolution "$bin/bpf-policy check --as message $work/msg" "$bin/bpf-policy check --as message $work/deep.msg" "$bin/bpf-policy check --no-repo --as message $work/msg"
# Kernel clones usually carry a commit-graph (gc and fetch write one); with it git answers
# ancestry from generation numbers.
git commit-graph write --reachable 2>/dev/null
bench fixes-resolution-commit-graph "$bin/bpf-policy check --as message $work/deep.msg" "git merge-base --is-ancestor $deep HEAD"
rm -f .git/objects/info/commit-graph

# 6. Peak memory (GNU time): a hook run, and a 50 MB message (refused with exit 2 before it
#    is parsed: a commit message that size is not one).
if [ -x /usr/bin/time ]; then
	echo "== peak memory (max RSS)"
	/usr/bin/time -o "$work/rss" -f "%M" "$bin/bpf-policy-commit-msg" "$work/msg" || true
	echo "  commit-msg hook: $(cat "$work/rss") KiB"
	awk 'BEGIN { print "bpf: Big\n"; for (i = 0; i < 500000; i++) printf "%0100d\n", i; print "\nSigned-off-by: A <a@b>" }' >"$work/big.msg"
	/usr/bin/time -o "$work/rss" -f "%M %x" "$bin/bpf-policy" check --no-repo "$work/big.msg" >/dev/null 2>&1 || true
	echo "  check of a $(wc -c <"$work/big.msg")-byte message: $(tail -1 "$work/rss" | cut -d' ' -f1) KiB, exit $(tail -1 "$work/rss" | cut -d' ' -f2)"
	head -c 8000000 "$work/big.msg" >"$work/8mb.msg"; printf '\nSigned-off-by: A <a@b>\n' >>"$work/8mb.msg"
	/usr/bin/time -o "$work/rss" -f "%M %x" "$bin/bpf-policy" check --no-repo "$work/8mb.msg" >/dev/null 2>&1 || true
	echo "  check of a $(wc -c <"$work/8mb.msg")-byte message: $(tail -1 "$work/rss" | cut -d' ' -f1) KiB, exit $(tail -1 "$work/rss" | cut -d' ' -f2)"
fi
