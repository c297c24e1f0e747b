#!/bin/sh
# Build the seed corpora under fuzz/corpus/<target>/ from the accepted-message corpus and from
# real `git format-patch` output made in a throwaway repository. Nothing here is committed:
# run it once before fuzzing (run.sh does when a corpus is missing); it is safe to run again.
#
#   fuzz/seed.sh [MESSAGE_CORPUS_DIR]     default: the repository's tests/data/corpus,
#                                         or $BPF_POLICY_CORPUS
set -eu

here=$(cd "$(dirname "$0")" && pwd)
msgs=${1:-${BPF_POLICY_CORPUS:-$here/../tests/data/corpus}}
out=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in email mbox prefix message pipeline; do
	mkdir -p "$out/$t"
done

# A private git: no user or system config may change what format-patch writes.
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT 2>/dev/null || true
export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL=author@example.org
export GIT_COMMITTER_NAME='A U Thor' GIT_COMMITTER_EMAIL=author@example.org
export GIT_AUTHOR_DATE='2024-10-01T10:00:00+00:00' GIT_COMMITTER_DATE='2024-10-01T10:00:00+00:00'
mkdir -p "$HOME"

# 1. Accepted upstream commit messages: the message target and, for a sample, the whole
# pipeline. Their subjects seed the prefix parser.
n=0
# Seeding from nothing would fuzz a much poorer corpus without saying so.
[ -d "$msgs" ] || { echo "seed.sh: no message corpus at $msgs" >&2; exit 2; }
for f in "$msgs"/*/*.msg; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=msg-$(basename "$f" .msg)
	cp "$f" "$out/message/$name"
	# One in ten is plenty for the slower pipeline target.
	[ $((n % 10)) -eq 0 ] && cp "$f" "$out/pipeline/$name"
	head -n 1 "$f" >"$out/prefix/$name"
done
[ "$n" -gt 0 ] || { echo "seed.sh: no *.msg files under $msgs" >&2; exit 2; }
echo "seed.sh: $n commit messages from $msgs"

# 2. A repository whose history covers what the email parser must understand: new, deleted,
# renamed, binary and C-quoted paths, several hunks, an author other than the sender,
# non-ASCII names (RFC 2047 headers), trailers with continuation lines, a long subject.
repo=$tmp/repo
git init -q -b master "$repo"
cd "$repo"
mkdir -p kernel/bpf tools/lib/bpf tools/testing/selftests/bpf/prog_tests arch/x86/net \
	include/uapi/linux tools/include/uapi/linux samples/bpf
seq 1 40 | sed 's/^/int v/; s/$/;/' >kernel/bpf/verifier.c
printf 'int a;\n' >tools/lib/bpf/libbpf.c
printf 'old\n' >samples/bpf/old_user.c
git add -A
git commit -q -m 'bpf: Add the base

The starting point.

Signed-off-by: A U Thor <author@example.org>'
base=$(git rev-parse HEAD)

sed -i 's/^int v3;/int v3 = 1;/; s/^int v30;/int v30 = 2;/' kernel/bpf/verifier.c
git commit -q -a -m 'bpf: Fix a bounds check in the verifier

The verifier accepted an access one byte past the end of the map value,
because the check compared against the size instead of the last offset.

Fixes: 0123456789ab ("bpf: Add the base")
Reported-by: Some One <someone@example.org>
Link: https://lore.kernel.org/bpf/20241001000000.1234-1-someone@example.org/
 continued-on-a-second-line
Signed-off-by: A U Thor <author@example.org>'

printf 'void test_bounds(void) {}\n' >tools/testing/selftests/bpf/prog_tests/bounds.c
git add -A
git commit -q -m 'selftests/bpf: Add a test for the bounds check

Cover the off-by-one the previous patch fixed.

Signed-off-by: A U Thor <author@example.org>'

git mv tools/lib/bpf/libbpf.c tools/lib/bpf/libbpf_core.c
git rm -q samples/bpf/old_user.c
printf 'x\n' >"tools/lib/bpf/sp ace.c"
printf 'y\n' >"tools/lib/bpf/f$(printf '\303\266')o.c"
printf '\000\001\002\377 binary\000\n' >tools/lib/bpf/blob.bin
git add -A
GIT_AUTHOR_NAME="J$(printf '\303\266')rg M$(printf '\303\274')ller" GIT_AUTHOR_EMAIL=jm@example.org \
	git commit -q -m 'libbpf: Rename, delete and add files whose names need quoting, and a binary blob, with a summary long enough to be folded

Exercise every file header format-patch writes.

Cc: stable@vger.kernel.org
Signed-of-by: Typo Person <typo@example.org>
Signed-off-by: Jörg Müller <jm@example.org>'

printf 'int jit;\n' >arch/x86/net/bpf_jit_comp.c
printf '#define BPF_X 1\n' >include/uapi/linux/bpf.h
mkdir -p samples/bpf
printf 'int test;\n' >samples/bpf/test_new_user.c
git add -A
git commit -q -m 'bpf, x86: Teach the JIT a new instruction

Signed-off-by: A U Thor <author@example.org>'

git commit -q --allow-empty -m 'fixup! bpf: Fix a bounds check in the verifier'

fp() { git format-patch -q "$@"; }
fp -o "$tmp/p1" --cover-letter --subject-prefix='PATCH bpf-next' -v2 "$base"..
fp -o "$tmp/p2" --subject-prefix='PATCH bpf' --base="$base" "$base"..
fp -o "$tmp/p3" --rfc --attach "$base"..
fp -o "$tmp/p4" --inline --numbered --subject-prefix='PATCH iproute2 net-next' "$base"..
fp -o "$tmp/p5" -k -1
fp -o "$tmp/p6" --no-numbered --add-header='X-Extra: folded
 continuation' --to=bpf@vger.kernel.org --cc='"Borkmann, Daniel" <daniel@iogearbox.net>' -2
fp -o "$tmp/p7" --cover-letter -n --subject-prefix='PATCH net' --signoff -3

i=0
for f in "$tmp"/p*/*.patch; do
	i=$((i + 1))
	cp "$f" "$out/email/fp-$i"
	cp "$f" "$out/pipeline/fp-$i"
	grep -m 1 '^Subject:' "$f" | sed 's/^Subject: //' >"$out/prefix/fp-$i"
done

# Transfer encodings format-patch does not write but mail clients and lists do.
one=$(ls "$tmp"/p2/*.patch | head -n 1)
hdr_end=$(grep -n -m 1 '^$' "$one" | cut -d: -f1)
{
	head -n $((hdr_end - 1)) "$one" | grep -v -i '^content-transfer-encoding'
	printf 'Content-Transfer-Encoding: base64\n\n'
	tail -n +$((hdr_end + 1)) "$one" | base64
} >"$out/email/base64"
{
	head -n $((hdr_end - 1)) "$one" | grep -v -i '^content-transfer-encoding'
	printf 'Content-Transfer-Encoding: quoted-printable\n\n'
	tail -n +$((hdr_end + 1)) "$one" | python3 -c 'import quopri, sys; sys.stdout.buffer.write(quopri.encodestring(sys.stdin.buffer.read()))'
} >"$out/email/qp"
sed 's/$/\r/' "$one" >"$out/email/crlf"
cp "$out/email/base64" "$out/email/qp" "$out/email/crlf" "$out/pipeline/"

# 3. Mboxes: whole series on stdout, one with attachments, a series with a reply in it.
git format-patch --stdout --cover-letter -v3 --subject-prefix='PATCH bpf-next' "$base".. >"$tmp/m1"
git format-patch --stdout --subject-prefix='PATCH bpf' "$base".. >"$tmp/m2"
git format-patch --stdout -1 >"$tmp/m3"
git format-patch --stdout --attach "$base".. >"$tmp/m4"
{
	cat "$tmp/m2"
	printf '\nFrom reviewer@example.org Tue Oct  1 10:00:00 2024\nFrom: Reviewer <reviewer@example.org>\nSubject: Re: [PATCH bpf 1/5] bpf: Fix a bounds check\n\n> quoted\nLooks good.\n'
} >"$tmp/m5"
for k in 1 2 3 4 5; do
	cp "$tmp/m$k" "$out/mbox/fp-$k"
	cp "$tmp/m$k" "$out/pipeline/mbox-$k"
done

# 4. Prefixes format-patch does not write but people do.
p=0
while IFS= read -r s; do
	p=$((p + 1))
	printf '%s\n' "$s" >"$out/prefix/hand-$p"
done <<'EOF'
[PATCH bpf-next v2 03/12] libbpf: Add a getter
[PATCH v3 bpf-next 1/3] bpf: Support foo
[RFC PATCH bpf-next] bpf: Sketch
[PATCH RESEND net] net: Fix it
[PATCH bpf-next,v2] bpf: Comma
[PATCH iproute2 master] ip: x
[PATCH iproute2-next v2] tc: y
[RFC][PATCH net] two groups
[PATCH bpf_next] typo
[PATCH BPF-NEXT] shouting
[PATCH netnext] squashed
[PATCH bpf-next/net] ambiguous
[PATCH bpf bpf-next] two trees
[PATCH bpf V2] x
[PATCH bpf v 2] x
[PATCH bpf ver2] x
[PATCH bpf v0] x
[PATCH bpf -v2] x
[PATCH bpf-next] [v2] x: y
[PATCH bpf-next] v2: x: y
[PATCH bpf-next 4/3] x: y
[PATCH bpf 1/0] x
[PATCH for-6.13 bpf] x
[PATCH bpf-next 00/12] Cover
[PATCHv2 bpf] x
[PATCH bpf-next v4294967295 4294967295/4294967295] big
[ [PATCH] ] nested
[PATCH bpf-next
EOF
echo "seed.sh: seeds in $out: $(for t in email mbox prefix message pipeline; do printf '%s=%s ' "$t" "$(ls "$out/$t" | wc -l)"; done)"
