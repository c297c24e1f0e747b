#!/bin/sh
# Install bpf-policy's git hooks (commit-msg, pre-push, sendemail-validate) into a kernel
# checkout, and the bpf-policy command. Existing hooks are kept and run first; --uninstall puts
# them back exactly as they were. Running it again changes nothing.
set -eu

usage() {
	cat <<'USAGE'
usage: install.sh [options]

  --repo DIR       install into the repository at DIR (default: the one you are in)
  --tree TREE      set git config bpf-policy.tree (bpf, bpf-next, net, net-next, iproute2,
                   iproute2-next) in that repository
  --bin-dir DIR    where the binaries go (default: $XDG_DATA_HOME/bpf-policy/bin, that is
                   ~/.local/share/bpf-policy/bin)
  --link-dir DIR   where to link the bpf-policy command (default: ~/.local/bin, or ~/.cargo/bin
                   when only that one is on PATH; "" for none)
  --hooks LIST     which hooks, comma-separated (default: commit-msg,pre-push,sendemail-validate)
  --no-build       use binaries already built in target/release
  --uninstall      remove bpf-policy's hooks from the repository and restore the earlier ones
  -h, --help       this text
USAGE
}

die() {
	echo "install.sh: $*" >&2
	exit 2
}

src=$(cd "$(dirname "$0")" && pwd)
repo=.
tree=
bin_dir=${XDG_DATA_HOME:-${HOME:?HOME is not set}/.local/share}/bpf-policy/bin
# The bpf-policy command goes where the shell finds it: ~/.local/bin, or ~/.cargo/bin (on the
# PATH of anyone with a Rust toolchain from rustup) when ~/.local/bin is not on PATH.
on_path() {
	case ":$PATH:" in *":$1:"*) return 0 ;; esac
	return 1
}
link_dir=$HOME/.local/bin
if ! on_path "$link_dir" && on_path "$HOME/.cargo/bin"; then
	link_dir=$HOME/.cargo/bin
fi
hooks=commit-msg,pre-push,sendemail-validate
build=1
uninstall=0
marker='Installed by bpf-policy'"'"'s install.sh'

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
	--no-build) build=0; shift ;;
	--uninstall) uninstall=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option: $1" ;;
	esac
done

case $tree in
''|bpf|bpf-next|net|net-next|iproute2|iproute2-next) ;;
*) die "unknown tree '$tree': use bpf, bpf-next, net, net-next, iproute2 or iproute2-next" ;;
esac
for h in $(echo "$hooks" | tr ',' ' '); do
	case $h in commit-msg|pre-push|sendemail-validate) ;; *) die "unknown hook '$h'" ;; esac
done

command -v git >/dev/null 2>&1 || die "git is not installed"
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not in a git repository (use --repo DIR)"
# The hooks directory git really uses: core.hooksPath, or the common git dir's hooks for
# linked worktrees.
hooks_dir=$(git -C "$repo" rev-parse --path-format=absolute --git-path hooks) ||
	die "cannot find the hooks directory of $repo"
hooks_path=$(git -C "$repo" config --get core.hooksPath || true)

is_ours() {
	[ -f "$1" ] && [ ! -L "$1" ] && grep -q "$marker" "$1" 2>/dev/null
}

if [ "$uninstall" = 1 ]; then
	for h in $(echo "$hooks" | tr ',' ' '); do
		target=$hooks_dir/$h
		chained=$target.bpf-policy-chained
		if is_ours "$target"; then
			rm -f "$target"
			echo "removed $target"
		fi
		if [ -e "$chained" ] || [ -L "$chained" ]; then
			if [ -e "$target" ] || [ -L "$target" ]; then
				echo "install.sh: $target exists and is not bpf-policy's; left $chained in place" >&2
			else
				mv "$chained" "$target"
				echo "restored $target"
			fi
		fi
	done
	exit 0
fi

if [ "$build" = 1 ]; then
	command -v cargo >/dev/null 2>&1 || die "cargo is not installed (https://rustup.rs), or use --no-build"
	echo "building bpf-policy (cargo build --release) ..."
	(cd "$src" && cargo build --release --quiet -p bpf-policy-cli -p bpf-policy-hooks) || die "the build failed"
fi
target_dir=${CARGO_TARGET_DIR:-$src/target}
case $target_dir in /*) ;; *) target_dir=$src/$target_dir ;; esac
mkdir -p "$bin_dir"
for b in bpf-policy bpf-policy-commit-msg bpf-policy-pre-push bpf-policy-sendemail-validate; do
	[ -x "$target_dir/release/$b" ] || die "$target_dir/release/$b is missing (build first, or drop --no-build)"
	if ! cmp -s "$target_dir/release/$b" "$bin_dir/$b"; then
		# Copy then rename, so a hook running right now never sees half a binary.
		cp "$target_dir/release/$b" "$bin_dir/.$b.new"
		chmod 755 "$bin_dir/.$b.new"
		mv -f "$bin_dir/.$b.new" "$bin_dir/$b"
	fi
done
bin_dir=$(cd "$bin_dir" && pwd)
if [ -n "$link_dir" ]; then
	mkdir -p "$link_dir"
	link=$link_dir/bpf-policy
	if [ -L "$link" ] || [ ! -e "$link" ]; then
		ln -sf "$bin_dir/bpf-policy" "$link"
	else
		echo "install.sh: $link exists and is not a link; not replacing it" >&2
	fi
	if ! on_path "$link_dir"; then
		echo "note: $link_dir is not on your PATH; add it, or run $link"
	fi
fi

# The manual and bash completion, where per-user tools look for them.
data_dir=${XDG_DATA_HOME:-$HOME/.local/share}
if mkdir -p "$data_dir/man/man1" "$data_dir/bash-completion/completions" 2>/dev/null; then
	"$bin_dir/bpf-policy" man --out-dir "$data_dir/man/man1" >/dev/null 2>&1 ||
		echo "install.sh: could not write the man pages to $data_dir/man/man1" >&2
	"$bin_dir/bpf-policy" completions bash >"$data_dir/bash-completion/completions/.bpf-policy.new" 2>/dev/null &&
		mv -f "$data_dir/bash-completion/completions/.bpf-policy.new" "$data_dir/bash-completion/completions/bpf-policy"
fi

mkdir -p "$hooks_dir"
# The path goes into a single-quoted shell string: escape single quotes.
quoted_bin=$(printf '%s' "$bin_dir" | sed "s/'/'\\\\''/g")
for h in $(echo "$hooks" | tr ',' ' '); do
	target=$hooks_dir/$h
	chained=$target.bpf-policy-chained
	tmp=$hooks_dir/.$h.bpf-policy.tmp
	sed "s|@BIN_DIR@|$(printf '%s' "$quoted_bin" | sed 's/[|&\\]/\\&/g')|" "$src/hooks/$h" >"$tmp"
	chmod 755 "$tmp"
	if is_ours "$target"; then
		if cmp -s "$tmp" "$target"; then
			rm -f "$tmp"
			echo "$target: up to date"
			continue
		fi
	elif [ -e "$target" ] || [ -L "$target" ]; then
		if [ -e "$chained" ] || [ -L "$chained" ]; then
			rm -f "$tmp"
			die "$target is not bpf-policy's and $chained exists too; sort them out by hand"
		fi
		mv "$target" "$chained"
		echo "$target: kept the existing hook as $chained; it runs first"
	fi
	mv -f "$tmp" "$target"
	echo "$target: installed"
done

if [ -n "$tree" ]; then
	git -C "$repo" config bpf-policy.tree "$tree"
	echo "git config bpf-policy.tree $tree"
fi
if [ -n "$hooks_path" ]; then
	echo "note: core.hooksPath is set ($hooks_path); the hooks went there"
fi
echo "bpf-policy is installed: $bin_dir/bpf-policy (try: bpf-policy check --help)"
