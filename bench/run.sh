#!/usr/bin/env bash
# Whole-process benchmarks of bpf-policy, with hyperfine. Prints medians; nothing here is a
# test. Usage: bench/run.sh [--quick] [--checkpatch DIR] [--iproute2 DIR] [--kernel N | --only-kernel N]
#   --quick           10,000 commits of history instead of 100,000, fewer runs
#   --checkpatch DIR  a directory holding checkpatch.pl (and spelling.txt), kept outside this
#                     repository, to time side by side with the commit-msg hook
#   --iproute2 DIR    a clone of iproute2 holding f84e3f8c..ee2a4a86 (1,112 commits, 154 Fixes:
#                     tags), kept outside this repository: check --range and pre-push of them
#                     against git log of the same commits
#   --kernel N        also a kernel-like history of N commits (bench/gen-history.py; 1,000,000
#                     is kernel-sized and takes long to write): commit-msg with 5 Fixes: tags,
#                     pre-push of a 20-commit series, check --range of 10,000 commits, each
#                     against git doing the same, without and with a commit-graph
#   --kernel-dir DIR  reuse (or keep) that generated repository at DIR
#   --kernel-runs N   runs per kernel-like command (default 5, 3 with --quick; no warm-up at 1)
#   --only-kernel N   the kernel-like part alone
# Needs: cargo, git, hyperfine (Debian: apt-get install hyperfine), awk, GNU time (optional).
set -euo pipefail

quick=0
checkpatch=
iproute2=
kernel=0
kernel_dir=
kernel_runs=
only_kernel=0
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--checkpatch) checkpatch=$2; shift 2 ;;
	--iproute2) iproute2=$(cd "$2" && pwd); shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--kernel-dir) kernel_dir=$2; shift 2 ;;
	--kernel-runs) kernel_runs=$2; shift 2 ;;
	--only-kernel) kernel=$2; only_kernel=1; shift 2 ;;
	*) echo "usage: $0 [--quick] [--checkpatch DIR] [--iproute2 DIR] [--kernel N | --only-kernel N] [--kernel-dir DIR] [--kernel-runs N]" >&2; exit 2 ;;
	esac
done
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
bench_build bpf-policy-cli bpf-policy-hooks
bin=$CARGO_TARGET_DIR/release
bench_home
bench_identity
git config --global init.defaultBranch master

if [ "$quick" = 1 ]; then big=10000; runs=20; kruns=3; else big=100000; runs=50; kruns=5; fi
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

bench() { # name, hyperfine args...
	local name=$1; shift
	echo "== $name"
	hyperfine -N -i --style none --warmup "${warmup:-3}" --runs "$runs" --export-json "$work/$name.json" "$@" >/dev/null
	median "$work/$name.json" 70
}
prepush() { # repo, commits pushed
	local head old
	head=$(git -C "$1" rev-parse HEAD)
	old=$(git -C "$1" rev-parse "HEAD~$2")
	printf 'refs/heads/master %s refs/heads/master %s\n' "$head" "$old" >"$work/push-$2-$(basename "$1")"
	echo "sh -c 'cd $1 && $bin/bpf-policy-pre-push origin $1 < $work/push-$2-$(basename "$1")'"
}

if [ "$only_kernel" = 0 ]; then
echo "== building histories ($small and $big commits)"
make_history "$work/small" "$small"
make_history "$work/big" "$big"


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

# 1b. commit-msg in a kernel-sized work tree: 90,000 files in 5,000 directories and the
#     kernel's MAINTAINERS at HEAD, one staged change under kernel/bpf/, no tree set (scope
#     asks which files the commit touches, and reads our MAINTAINERS entries). git's side:
#     listing the staged files, which the hook must do too.
git init -q "$work/wide"
awk 'BEGIN {
	printf "commit refs/heads/master\ncommitter A U Thor <author@example.org> 1600000000 +0000\ndata 10\nbpf: base\n\n"
	split("drivers fs net sound arch include tools kernel lib mm", top, " ")
	for (d = 0; d < 5000; d++)
		for (f = 0; f < 18; f++)
			printf "M 100644 inline %s/sub%d/dir%d/file%d.c\ndata 6\nint x;\n", top[d % 10 + 1], d % 97, d, f
	printf "M 100644 inline kernel/bpf/x.c\ndata 6\nint x;\n\n"
}' | git -C "$work/wide" fast-import --quiet
git -C "$work/wide" reset -q --hard master
cp "$src/tests/data/maintainers/MAINTAINERS" "$work/wide/"
git -C "$work/wide" add MAINTAINERS
git -C "$work/wide" commit -q -m "Add MAINTAINERS"
echo "int y;" >>"$work/wide/kernel/bpf/x.c"
git -C "$work/wide" add kernel/bpf/x.c
printf 'bpf: Keep the reference\n\nThe error path dropped a reference the caller still held.\n\nSigned-off-by: A U Thor <author@example.org>\n' >"$work/wide.msg"
bench commit-msg-wide-tree "sh -c 'cd $work/wide && exec $bin/bpf-policy-commit-msg $work/wide.msg'" \
	"sh -c 'cd $work/wide && exec git diff --cached --name-status'" "/bin/true"
# ... and a pre-push of a 5-commit series there (each commit's files: only the subtrees that
# changed are read), beside git log listing the same files.
git -C "$work/wide" commit -q --no-verify -F "$work/wide.msg"
for i in 1 2 3 4; do
	mkdir -p "$work/wide/net/core"
	echo "int w$i;" >>"$work/wide/net/core/x$i.c"
	git -C "$work/wide" add "net/core/x$i.c"
	git -C "$work/wide" commit -q --no-verify -m "net: Change $i" -m "Because." -m "Signed-off-by: A U Thor <author@example.org>"
done
bench pre-push-wide-tree "$(prepush "$work/wide" 5)" "git -C $work/wide log --name-status -5"

# 2. The corpus in one process (the shell expands the file list: it is too long for one
#    argument of hyperfine's).
corpus=$src/tests/data/corpus
ls "$corpus"/*/*.msg >/dev/null || { echo "bench data $corpus is missing" >&2; exit 2; }
bench corpus "sh -c 'cd $corpus && exec $bin/bpf-policy check --no-repo --as message --format json */*.msg'" "sh -c 'cd $corpus && exec cat */*.msg'"
n=$(ls "$corpus"/*/*.msg | wc -l)
awk -v n="$n" -F: '/"median"/ && !done {gsub(/[ ,]/, "", $2); printf "  %d messages: %.0f messages/s\n", n, n / $2; done = 1}' "$work/corpus.json"

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
bench pre-push "$(prepush "$work/big" 1000)" "$(prepush "$work/small" 1000)" "$(prepush "$work/big" 100)" "$(prepush "$work/big" 10)"

# 5. --range over 1,000 commits, and one message with Fixes: tags far back in history.
bench range "$bin/bpf-policy check --format json --range HEAD~1000..HEAD" "$bin/bpf-policy check --format json --range HEAD~100..HEAD"
deep=$(git rev-parse --short=12 "HEAD~$((big / 2))")
printf 'bpf: Fix it\n\nBecause.\n\nFixes: %s ("%s")\nFixes: %s ("%s")\nSigned-off-by: A U Thor <author@example.org>\n' \
	"$fix_id" "$fix_subject" "$deep" "$(git log -1 --format=%s "$deep")" >"$work/deep.msg"
bench fixes-resolution "$bin/bpf-policy check --as message $work/msg" "$bin/bpf-policy check --as message $work/deep.msg" "$bin/bpf-policy check --no-repo --as message $work/msg" "git merge-base --is-ancestor $deep HEAD"
# Kernel clones usually carry a commit-graph (gc and fetch write one); with it git answers
# ancestry from generation numbers.
git commit-graph write --reachable 2>/dev/null
bench fixes-resolution-commit-graph "$bin/bpf-policy check --as message $work/deep.msg" "git merge-base --is-ancestor $deep HEAD"
rm -f .git/objects/info/commit-graph

# 5b. 2,000 Fixes: tags in one message, 5,000 commits of history, no commit-graph: every tag
#     resolved and checked for ancestry in one pass. git's side: one git log listing the
#     same commits' subjects.
make_history "$work/five" 5000
cd "$work/five"
git log --format='Fixes: %h ("%s")' --abbrev=12 | awk 'NR % 2 == 0 && n++ < 2000' >"$work/tags"
{ printf 'bpf: Fix many things\n\nBecause.\n\n'; cat "$work/tags"; printf 'Signed-off-by: A U Thor <author@example.org>\n'; } >"$work/many.msg"
bench fixes-2000 "$bin/bpf-policy check --as message $work/many.msg" "git log --format=%H%x20%s --no-walk=unsorted $(sed 's/^Fixes: \([0-9a-f]*\).*/\1/' "$work/tags" | tr '\n' ' ')"
cd "$work/big"

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
fi # only_kernel

# 7. The real iproute2 history: 1,112 commits holding 154 Fixes: tags, no commit-graph.
if [ -n "$iproute2" ]; then
	ip=$work/iproute2
	git clone -q --no-local "$iproute2" "$ip"
	git -C "$ip" checkout -q -B master ee2a4a86
	# The commits are new to the remote: no remote-tracking refs bound the walk.
	git -C "$ip" remote remove origin
	rm -rf "$ip/.git/objects/info/commit-graph" "$ip/.git/objects/info/commit-graphs"
	printf 'refs/heads/master %s refs/heads/master %s\n' "$(git -C "$ip" rev-parse HEAD)" "$(git -C "$ip" rev-parse f84e3f8c)" >"$work/push-ip"
	bench iproute2 \
		"sh -c 'cd $ip && exec $bin/bpf-policy check --range f84e3f8c..HEAD --tree iproute2-next --format json'" \
		"sh -c 'cd $ip && exec $bin/bpf-policy-pre-push origin $ip < $work/push-ip'" \
		"git -C $ip log --format=%B --name-status f84e3f8c..HEAD"
fi

# 8. Kernel-sized: a generated history (bench/gen-history.py) with one Fixes: tag in seven
#    commits, targets over the whole history, release tags.
if [ "$kernel" -gt 0 ]; then
	k=${kernel_dir:-$work/kernel}
	if [ ! -d "$k/.git" ]; then
		echo "== writing a $kernel-commit history (gen-history.py)"
		/usr/bin/time -f "  %e s" python3 "$src/bench/gen-history.py" "$k" "$kernel"
	fi
	cd "$k"
	git checkout -q -B master master
	rm -rf .git/objects/info/commit-graph .git/objects/info/commit-graphs
	# commit-msg: five Fixes: tags, 1,000 to 90% of the history back.
	n=$(git rev-list --count --first-parent HEAD)
	targets=
	for back in 1000 $((n / 10)) $((n / 4)) $((n / 2)) $((n * 9 / 10)); do
		targets="$targets $(git rev-parse --short=12 "HEAD~$back")"
	done
	{ printf 'bpf: Fix five things\n\nBecause.\n\n'
	  for t in $targets; do git log -1 --format='Fixes: %h ("%s")' --abbrev=12 "$t"; done
	  printf 'Signed-off-by: A U Thor <author@example.org>\n'; } >"$work/k5.msg"
	cat >"$work/k5-git.sh" <<EOS
#!/bin/sh
cd "$k"
for t in $targets; do git merge-base --is-ancestor \$t HEAD || exit 1; done
EOS
	chmod +x "$work/k5-git.sh"
	# pre-push: a 20-commit series on top, three of them with Fixes: tags from the same spread.
	base=$(git rev-parse HEAD)
	git checkout -q -B series
	i=0
	for t in $targets; do
		i=$((i + 1))
		[ $i -gt 3 ] && break
		echo "fix $i" >"kernel/fix$i.c"; git add "kernel/fix$i.c"
		git commit -q -m "bpf: Fix number $i" -m "Because." -m "$(git log -1 --format='Fixes: %h ("%s")' --abbrev=12 "$t")
Signed-off-by: A U Thor <author@example.org>"
	done
	while [ $i -lt 20 ]; do
		i=$((i + 1))
		echo "change $i" >"kernel/change$i.c"; git add "kernel/change$i.c"
		git commit -q -m "bpf: Change $i" -m "Because.

Signed-off-by: A U Thor <author@example.org>"
	done
	printf 'refs/heads/series %s refs/heads/series %s\n' "$(git rev-parse HEAD)" "$base" >"$work/push-series"
	git checkout -q master
	range_base=$(git rev-parse HEAD~10000)
	kbench() { # suffix
		warmup=${kwarm:-1} bench "kernel-commit-msg$1" "$bin/bpf-policy check --as message $work/k5.msg" "$work/k5-git.sh"
		warmup=${kwarm:-1} bench "kernel-pre-push-20$1" \
			"sh -c 'cd $k && exec $bin/bpf-policy-pre-push origin $k < $work/push-series'" \
			"git -C $k log --format=%B --name-status $base..series"
		warmup=${kwarm:-1} bench "kernel-range-10000$1" \
			"$bin/bpf-policy check --format json --range $range_base..HEAD" \
			"git -C $k log --format=%B --name-status $range_base..HEAD" \
			"git -C $k rev-list --count HEAD"
	}
	runs=${kernel_runs:-$kruns}
	[ "$runs" -gt 1 ] || kwarm=0
	kbench ""
	git commit-graph write --reachable 2>/dev/null
	kbench "-commit-graph"
	rm -f .git/objects/info/commit-graph
	git branch -q -D series
fi
