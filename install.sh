#!/bin/sh
# Install bpf-policy's git hooks (commit-msg, pre-push, sendemail-validate) into a kernel
# checkout, and the bpf-policy command. Existing hooks are kept and run first; --uninstall puts
# them back exactly as they were. Running it again changes nothing.
set -eu
# What this script creates is 0755 (directories, programs) or 0644, whatever the caller's umask:
# under umask 000 it made world-writable install directories.
umask 022

usage() {
	cat <<'USAGE'
usage: install.sh [options]

  --repo DIR         install into the repository at DIR (default: the one you are in)
  --tree TREE        set git config bpf-policy.tree (bpf, bpf-next, net, net-next, iproute2,
                     iproute2-next) in that repository (in a linked worktree: see
                     --worktree-config)
  --worktree-config  let --tree in a linked worktree set the tree for that worktree only,
                     turning on git's extensions.worktreeConfig if it is off
  --bin-dir DIR      where the binaries go (default: $XDG_DATA_HOME/bpf-policy/bin, that is
                     ~/.local/share/bpf-policy/bin)
  --link-dir DIR     where to link the bpf-policy command (default: the first of ~/.local/bin,
                     $CARGO_HOME/bin (~/.cargo/bin) and ~/bin that is on PATH, else
                     ~/.local/bin; "" for none)
  --hooks LIST       which hooks, comma-separated (default: commit-msg,pre-push,
                     sendemail-validate); bpf-policy's hooks not listed are removed, so
                     --hooks '' installs the programs only
  --global           install even when core.hooksPath comes from the global (or system) git
                     config, where every repository runs the hooks (they check only
                     repositories install.sh was run for)
  --no-build         use binaries already built in target/release
  --uninstall        remove bpf-policy's hooks from the repository and restore the earlier ones
  --purge            with --uninstall: also remove what install.sh wrote outside the
                     repository (binaries, link, man pages, completion) and the config it set
  -h, --help         this text
USAGE
}

die() {
	echo "install.sh: $*" >&2
	exit 2
}

# Temporary files and directories, removed however the script ends.
pending=
pending_dir=
cleanup() {
	if [ -n "$pending" ]; then rm -f "$pending"; fi
	if [ -n "$pending_dir" ]; then rm -rf "$pending_dir"; fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# A path quoted for pasting into a shell.
shq() {
	case $1 in
	*"'"*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf "'%s'" "$1" ;;
	esac
}

src=$(cd "$(dirname "$0")" && pwd)
repo=.
tree=
data_home=${XDG_DATA_HOME:-${HOME:?HOME is not set}/.local/share}
bin_dir=$data_home/bpf-policy/bin
# The bpf-policy command goes where the shell finds it: the first of ~/.local/bin,
# $CARGO_HOME/bin (on the PATH of anyone with a Rust toolchain from rustup) and ~/bin on PATH.
on_path() {
	case ":$PATH:" in *":$1:"*) return 0 ;; esac
	return 1
}
cargo_bin=${CARGO_HOME:-$HOME/.cargo}/bin
link_dir=
for d in "$HOME/.local/bin" "$cargo_bin" "$HOME/bin"; do
	if on_path "$d"; then
		link_dir=$d
		break
	fi
done
link_dir=${link_dir:-$HOME/.local/bin}
all_hooks=commit-msg,pre-push,sendemail-validate
hooks=$all_hooks
build=1
uninstall=0
purge=0
global=0
wt_config=0
marker='Installed by bpf-policy'"'"'s install.sh'
# What install.sh wrote outside repositories (and config it set), one entry a line, for --purge.
manifest=$data_home/bpf-policy/installed
tab=$(printf '\t')
nl='
'

while [ $# -gt 0 ]; do
	case $1 in
	--repo) [ $# -ge 2 ] || die "--repo needs a directory"; repo=$2; shift 2 ;;
	--repo=*) repo=${1#*=}; shift ;;
	--tree) [ $# -ge 2 ] || die "--tree needs a tree name"; tree=$2; shift 2 ;;
	--tree=*) tree=${1#*=}; shift ;;
	--bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a directory"; bin_dir=$2; shift 2 ;;
	--bin-dir=*) bin_dir=${1#*=}; shift ;;
	--link-dir) [ $# -ge 2 ] || die "--link-dir needs a directory"; link_dir=$2; shift 2 ;;
	--link-dir=*) link_dir=${1#*=}; shift ;;
	--hooks) [ $# -ge 2 ] || die "--hooks needs a list"; hooks=$2; shift 2 ;;
	--hooks=*) hooks=${1#*=}; shift ;;
	--worktree-config) wt_config=1; shift ;;
	--global) global=1; shift ;;
	--no-build) build=0; shift ;;
	--uninstall) uninstall=1; shift ;;
	--purge) purge=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option: $1" ;;
	esac
done

# Paths end up in hook scripts, a line-based manifest and messages: a newline (or a tab) in one
# is refused rather than half-handled.
for v in "$repo" "$bin_dir" "$link_dir" "$data_home" "$HOME"; do
	case $v in
	*"$nl"* | *"$tab"*) die "a path with a newline or tab in it is not supported: $(shq "$v")" ;;
	esac
done
[ "$purge" = 0 ] || [ "$uninstall" = 1 ] || die "--purge goes with --uninstall"
case $tree in
''|bpf|bpf-next|net|net-next|iproute2|iproute2-next) ;;
*) die "unknown tree '$tree': use bpf, bpf-next, net, net-next, iproute2 or iproute2-next" ;;
esac
for h in $(echo "$hooks" | tr ',' ' '); do
	case $h in
	commit-msg|pre-push|sendemail-validate) ;;
	*) die "unknown hook '$h': the hooks are commit-msg, pre-push and sendemail-validate (--hooks '' for none)" ;;
	esac
done
listed() {
	case ",$hooks," in *",$1,"*) return 0 ;; esac
	return 1
}

# What a build needs, each checked and named, so a fresh machine gets one clear list.
missing=
command -v git >/dev/null 2>&1 ||
	missing="$missing${nl}  git: install it with your package manager (apt-get install git, dnf install git)"
if [ "$build" = 1 ] && [ "$uninstall" = 0 ]; then
	need=$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' "$src/Cargo.toml" | head -n 1)
	if ! command -v cargo >/dev/null 2>&1 || ! command -v rustc >/dev/null 2>&1; then
		missing="$missing${nl}  Rust $need or newer (cargo, rustc): install it from https://rustup.rs, then open a new shell"
	else
		have=$(rustc --version 2>/dev/null | sed -n 's/^rustc \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
		older=$(printf '%s\n%s\n' "${have:-0.0}" "$need" |
			awk -F. 'NR == 1 { h = $1 * 1000 + $2 } NR == 2 { n = $1 * 1000 + $2 } END { print (h < n) }')
		if [ "$older" = 1 ]; then
			missing="$missing${nl}  Rust $need or newer: rustc is ${have:-of unknown version}; run: rustup update stable"
		fi
	fi
	if ! command -v cc >/dev/null 2>&1; then
		missing="$missing${nl}  a C compiler (cc), which Rust links with and libgit2 is built with: apt-get install gcc (Debian, Ubuntu), dnf install gcc (Fedora)"
	fi
fi
if [ -n "$missing" ]; then
	echo "install.sh: missing:$missing" >&2
	[ "$build" = 0 ] || echo "install.sh: (--no-build skips the build, with binaries already in target/release)" >&2
	exit 2
fi

git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not in a git repository (use --repo DIR)"
# The hooks directory git really uses: core.hooksPath, or the common git dir's hooks for
# linked worktrees.
hooks_dir=$(git -C "$repo" rev-parse --path-format=absolute --git-path hooks) ||
	die "cannot find the hooks directory of $repo"
case $hooks_dir in *"$nl"* | *"$tab"*) die "the hooks directory's path has a newline or tab in it" ;; esac
hooks_path=$(git -C "$repo" config --get core.hooksPath || true)
hooks_scope=$(git -C "$repo" config --show-scope --get core.hooksPath 2>/dev/null | cut -f 1 || true)
git_dir=$(git -C "$repo" rev-parse --path-format=absolute --git-dir)
common_dir=$(git -C "$repo" rev-parse --path-format=absolute --git-common-dir)

# Which hook files are bpf-policy's own: our marker line, and the checksum install.sh kept
# beside the file when it wrote it. A hook with the marker and another checksum was edited.
sum_of() { cksum <"$1"; }
# Checksums of the hook scripts of install.sh versions that kept none, with the bin_dir line
# blanked (sed below), so an upgrade recognises an unedited old hook.
legacy_sums='3312717160 813
1408465822 894
3831849194 829'
state_of() { # prints none, ours, edited or foreign
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		echo none
	elif [ -L "$1" ] || [ ! -f "$1" ] || ! grep -q "$marker" "$1" 2>/dev/null; then
		echo foreign
	elif [ -f "$2" ]; then
		if [ "$(sum_of "$1")" = "$(cat "$2")" ]; then echo ours; else echo edited; fi
	else
		s=$(sed "s|^bin_dir='.*'\$|bin_dir='@BIN_DIR@'|" "$1" | cksum)
		case "$nl$legacy_sums$nl" in
		*"$nl$s$nl"*) echo ours ;;
		*) echo edited ;;
		esac
	fi
}

# Move an edited hook of ours out of the way under a name of its own, never over another file.
keep_edited() {
	kept=$1.bpf-policy-edited
	i=1
	while [ -e "$kept" ] || [ -L "$kept" ]; do
		i=$((i + 1))
		kept=$1.bpf-policy-edited.$i
	done
	mv "$1" "$kept"
	echo "$1: it was changed since install.sh wrote it; kept your version as $kept (it no longer runs)"
}

# Remove bpf-policy's hook h and put back the one it chained.
remove_hook() {
	target=$hooks_dir/$1
	chained=$target.bpf-policy-chained
	sum=$target.bpf-policy-sum
	case $(state_of "$target" "$sum") in
	ours) rm -f "$target"; echo "removed $target" ;;
	edited) keep_edited "$target" ;;
	esac
	# pre-commit keeps a hook it replaces as <hook>.legacy and runs it (an unedited one of ours
	# there would check everything twice); lefthook keeps it as <hook>.old.
	if [ -f "$sum" ]; then
		for old in "$target.legacy" "$target.old"; do
			if [ "$(state_of "$old" "$sum")" = ours ]; then
				rm -f "$old"
				echo "removed $old"
				# The hook ours had chained takes its place there, where the manager runs it.
				if [ -e "$chained" ] || [ -L "$chained" ]; then
					mv "$chained" "$old"
					echo "restored $old (the hook that was there before bpf-policy)"
				fi
			fi
		done
	fi
	rm -f "$sum"
	if [ -e "$chained" ] || [ -L "$chained" ]; then
		if [ -e "$target" ] || [ -L "$target" ]; then
			echo "install.sh: $target exists and is not bpf-policy's; left $chained in place" >&2
		else
			mv "$chained" "$target"
			echo "restored $target"
		fi
	fi
}

# The manifest: add a line once.
record() {
	mkdir -p "${manifest%/*}"
	if [ ! -f "$manifest" ] || ! grep -Fxq "$1" "$manifest"; then
		printf '%s\n' "$1" >>"$manifest"
	fi
}

if [ "$uninstall" = 1 ]; then
	for h in $(echo "$hooks" | tr ',' ' '); do
		remove_hook "$h"
	done
	# The marker goes with the last of bpf-policy's hooks.
	remain=
	for h in $(echo "$all_hooks" | tr ',' ' '); do
		[ "$(state_of "$hooks_dir/$h" "$hooks_dir/$h.bpf-policy-sum")" != ours ] || remain=1
	done
	if [ -z "$remain" ] && git -C "$repo" config --local --get bpf-policy.installed >/dev/null 2>&1; then
		git -C "$repo" config --local --unset-all bpf-policy.installed || true
		echo "git config --unset bpf-policy.installed"
	fi
	# The hooks' cache of MAINTAINERS entries (maintainers-<blob id>.ours) goes with the last
	# hook: it is derived, unlike the send log, which stays. Only our real directories, only
	# files named as the hooks name them; find -P follows no link (not even one swapped in for
	# the directory), and -type f leaves links inside alone.
	if [ -z "$remain" ]; then
		for d in "$common_dir/bpf-policy" "$common_dir/bpf-policy-$(id -u)"; do
			if [ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ]; then
				find -P "$d" -maxdepth 1 -type f -user "$(id -u)" -name 'maintainers-*.ours' \
					! -name 'maintainers-*[!0-9a-f]*.ours' -print -delete | sed 's/^/removed /' || true
				if rmdir "$d" 2>/dev/null; then echo "removed $d/"; fi
			fi
		done
	fi
	if [ "$purge" = 1 ] && [ ! -f "$manifest" ]; then
		echo "install.sh: no record of what install.sh wrote ($manifest): nothing else to remove (an install.sh older than --purge keeps none)" >&2
	fi
	if [ "$purge" = 1 ] && [ -f "$manifest" ]; then
		# Remove only what the manifest says install.sh wrote, and only while it is still what
		# install.sh wrote there: a link still pointing at our binary, a file still a file.
		keep=
		while IFS=$tab read -r kind path extra rest; do
			case $kind in
			file)
				if [ -f "$path" ] && [ ! -L "$path" ]; then rm -f "$path" && echo "removed $path"; fi ;;
			link)
				if [ -L "$path" ] && [ "$(readlink "$path")" = "$extra" ]; then
					rm -f "$path" && echo "removed $path"
				fi ;;
			dir)
				# Removed below when empty, after the files in it.
				keep="$keep$kind$tab$path$nl" ;;
			hooks)
				# Other repositories' hooks call the programs removed here: say which.
				if [ "$path" != "$hooks_dir" ]; then
					for h in $(echo "$all_hooks" | tr ',' ' '); do
						if [ -f "$path/$h" ] && grep -q "$marker" "$path/$h" 2>/dev/null; then
							echo "install.sh: $path/$h is still installed and now blocks until removed: install.sh --uninstall --repo <that repository>" >&2
							keep="$keep$kind$tab$path$nl"
						fi
					done
				fi ;;
			config)
				# Config install.sh set in a repository: only this repository's, and only
				# while it still has the value install.sh gave it.
				case $path in
				"$common_dir"/*)
					if [ "$(git config --file "$path" --get "$extra" 2>/dev/null || true)" = "$rest" ]; then
						git config --file "$path" --unset "$extra" && echo "git config --unset $extra"
					fi ;;
				*) keep="$keep$kind$tab$path$tab$extra$tab$rest$nl" ;;
				esac ;;
			esac
		done <"$manifest"
		printf '%s' "$keep" | while IFS=$tab read -r kind path _; do
			if [ "$kind" = dir ] && rmdir "$path" 2>/dev/null; then echo "removed $path/"; fi
		done
		others=$(printf '%s' "$keep" | grep -v "^dir$tab" | uniq || true)
		if [ -n "$others" ]; then
			printf '%s\n' "$others" >"$manifest"
			echo "kept $manifest: other repositories have hooks or settings install.sh made"
		else
			rm -f "$manifest"
			rmdir "${manifest%/*}" 2>/dev/null || true
		fi
	fi
	exit 0
fi

# Global hooks: every repository on the machine would run them.
case $hooks_scope in
global | system)
	if [ "$global" = 0 ]; then
		die "core.hooksPath is set in your $hooks_scope git config ($hooks_path): hooks installed there run in every repository on this machine. Add --global to install there anyway (they check only repositories install.sh was run for, which get the bpf-policy.installed marker), or give this repository hooks of its own: git -C $(shq "$repo") config core.hooksPath $(shq "$common_dir/hooks")"
	fi
	;;
esac
# The tree of a linked worktree goes into that worktree's config, never the shared one.
tree_scope=--local
if [ -n "$tree" ] && [ "$git_dir" != "$common_dir" ]; then
	if [ "$(git -C "$repo" config --bool --get extensions.worktreeConfig || true)" = true ]; then
		tree_scope=--worktree
	elif [ "$wt_config" = 1 ]; then
		git -C "$repo" config extensions.worktreeConfig true
		echo "git config extensions.worktreeConfig true (each worktree may now have settings of its own)"
		tree_scope=--worktree
	else
		die "$repo is a linked worktree, whose config is shared with every worktree of the repository: --tree would set the tree for all of them. Add --worktree-config to set it for this worktree only (turns on git's extensions.worktreeConfig), or run install.sh --tree in the main worktree to set it for all"
	fi
fi

if [ "$build" = 1 ]; then
	echo "building bpf-policy (cargo build --release; a few minutes the first time) ..."
	(cd "$src" && cargo build --release -p bpf-policy-cli -p bpf-policy-hooks) || die "the build failed"
fi
target_dir=${CARGO_TARGET_DIR:-$src/target}
case $target_dir in /*) ;; *) target_dir=$src/$target_dir ;; esac
for b in bpf-policy bpf-policy-commit-msg bpf-policy-pre-push bpf-policy-sendemail-validate; do
	[ -x "$target_dir/release/$b" ] || die "$target_dir/release/$b is missing (build first, or drop --no-build)"
done
[ -d "$bin_dir" ] || { mkdir -p "$bin_dir" && record "dir$tab$(cd "$bin_dir" && pwd)"; }
bin_dir=$(cd "$bin_dir" && pwd)
for b in bpf-policy bpf-policy-commit-msg bpf-policy-pre-push bpf-policy-sendemail-validate; do
	if ! cmp -s "$target_dir/release/$b" "$bin_dir/$b"; then
		# Copy then rename, so a hook running right now never sees half a binary.
		pending=$bin_dir/.$b.new
		cp "$target_dir/release/$b" "$pending"
		chmod 755 "$pending"
		mv -f "$pending" "$bin_dir/$b"
		pending=
	fi
	record "file$tab$bin_dir/$b"
done
run_it=$bin_dir/bpf-policy
if [ -n "$link_dir" ]; then
	mkdir -p "$link_dir"
	link=$link_dir/bpf-policy
	if [ -L "$link" ] || [ ! -e "$link" ]; then
		ln -sf "$bin_dir/bpf-policy" "$link"
		record "link$tab$link$tab$bin_dir/bpf-policy"
		if on_path "$link_dir"; then
			run_it=bpf-policy
		fi
	else
		echo "install.sh: $link exists and is not a link; not replacing it" >&2
	fi
fi

# The manual and bash completion, where per-user tools look for them. The pages are written to
# a temporary directory first, so the manifest names exactly the files install.sh wrote.
man_dir=$data_home/man/man1
comp_dir=$data_home/bash-completion/completions
if mkdir -p "$man_dir" "$comp_dir" 2>/dev/null; then
	pending_dir=$(mktemp -d "$man_dir/.bpf-policy.XXXXXX")
	if "$bin_dir/bpf-policy" man --out-dir "$pending_dir" >/dev/null 2>&1; then
		for page in "$pending_dir"/*; do
			[ -f "$page" ] || continue
			chmod 644 "$page"
			mv -f "$page" "$man_dir/${page##*/}"
			record "file$tab$man_dir/${page##*/}"
		done
	else
		echo "install.sh: could not write the man pages to $man_dir" >&2
	fi
	rm -rf "$pending_dir"
	pending_dir=
	pending=$comp_dir/.bpf-policy.new
	if "$bin_dir/bpf-policy" completions bash >"$pending" 2>/dev/null; then
		mv -f "$pending" "$comp_dir/bpf-policy"
		record "file$tab$comp_dir/bpf-policy"
	fi
	rm -f "$pending"
	pending=
fi

mkdir -p "$hooks_dir"
# The path goes into a single-quoted shell string: escape single quotes.
quoted_bin=$(printf '%s' "$bin_dir" | sed "s/'/'\\\\''/g")
for h in $(echo "$all_hooks" | tr ',' ' '); do
	if ! listed "$h"; then
		remove_hook "$h"
		continue
	fi
	target=$hooks_dir/$h
	chained=$target.bpf-policy-chained
	sum=$target.bpf-policy-sum
	pending=$hooks_dir/.$h.bpf-policy.tmp
	sed "s|@BIN_DIR@|$(printf '%s' "$quoted_bin" | sed 's/[|&\\]/\\&/g')|" "$src/hooks/$h" >"$pending"
	chmod 755 "$pending"
	case $(state_of "$target" "$sum") in
	ours)
		if cmp -s "$pending" "$target"; then
			rm -f "$pending"
			pending=
			[ -f "$sum" ] || sum_of "$target" >"$sum"
			echo "$target: up to date"
			continue
		fi
		;;
	edited)
		keep_edited "$target"
		;;
	foreign)
		if [ -e "$chained" ] || [ -L "$chained" ]; then
			# A hook manager that writes its hooks anew (husky on every npm install) put back
			# the very hook that is already kept: nothing of the user's is lost by replacing it.
			if [ ! -L "$target" ] && [ ! -L "$chained" ] && cmp -s "$target" "$chained"; then
				rm -f "$target"
				echo "$target: the same as the hook kept in $chained, which runs first"
			else
				die "$target is not bpf-policy's and $chained exists too; sort them out by hand"
			fi
		else
			mv "$target" "$chained"
			echo "$target: kept the existing hook as $chained; it runs first"
		fi
		;;
	esac
	mv -f "$pending" "$target"
	pending=
	sum_of "$target" >"$sum"
	echo "$target: installed"
done

if [ -n "$hooks" ]; then
	record "hooks$tab$hooks_dir"
	# The hooks check only repositories with this marker: a hooks directory shared through a
	# global core.hooksPath reaches others too.
	if [ "$(git -C "$repo" config --local --get bpf-policy.installed || true)" != true ]; then
		git -C "$repo" config --local bpf-policy.installed true
		echo "git config bpf-policy.installed true"
	fi
elif git -C "$repo" config --local --get bpf-policy.installed >/dev/null 2>&1; then
	git -C "$repo" config --local --unset-all bpf-policy.installed || true
fi
if [ -n "$tree" ]; then
	git -C "$repo" config "$tree_scope" bpf-policy.tree "$tree"
	case $tree_scope in
	--worktree) record "config$tab$git_dir/config.worktree${tab}bpf-policy.tree$tab$tree" ;;
	*) record "config$tab$common_dir/config${tab}bpf-policy.tree$tab$tree" ;;
	esac
	echo "git config $tree_scope bpf-policy.tree $tree"
fi
if [ -n "$hooks_path" ]; then
	echo "note: core.hooksPath is set ($hooks_path); the hooks went there"
	case $hooks_path in
	/* | "~"*) ;;
	*)
		echo "warning: core.hooksPath is relative: git looks for $hooks_path in each worktree's top directory, so linked worktrees without it run no hooks at all; an absolute path works in all of them: git config core.hooksPath $(shq "$hooks_dir")" >&2
		;;
	esac
fi
if [ -n "$hooks_scope" ] && [ "$hooks_scope" != local ] && [ "$hooks_scope" != worktree ]; then
	echo "note: these hooks run in every repository; outside this one they check nothing (no bpf-policy.installed marker) and say so"
fi
if [ "$run_it" = bpf-policy ]; then
	echo "bpf-policy is installed: $link_dir/bpf-policy -> $bin_dir/bpf-policy (try: bpf-policy check --help)"
else
	echo "bpf-policy is installed as $run_it (try: $(shq "$run_it") check --help)"
	if [ -n "$link_dir" ] && [ -L "$link_dir/bpf-policy" ]; then
		echo "To run it as plain bpf-policy, add $link_dir to PATH: put this line in ~/.profile (or your shell's startup file) and open a new shell:"
		echo "  export PATH=$(shq "$link_dir"):\"\$PATH\""
	fi
fi
