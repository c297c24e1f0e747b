# A kernel-like repository with the commit the patch fixes, written by someone else; the
# Fixes: tag is pointed at it here (the id is stable: git identity and dates are fixed).
git init -q -b master
cat > MAINTAINERS <<'M'
BPF [GENERAL]
M:	Alexei Starovoitov <ast@kernel.org>
L:	bpf@vger.kernel.org
F:	kernel/bpf/
M
mkdir -p kernel/bpf
printf 'int x;\n' > kernel/bpf/syscall.c
git add MAINTAINERS kernel
GIT_AUTHOR_NAME='Bug Author' GIT_AUTHOR_EMAIL=bug.author@example.org git commit -q -m 'bpf: Add map refcounting'
id=$(git rev-parse --short=12 HEAD)
sed -i "s/^Fixes: 0123456789ab /Fixes: $id /" 0001-bpf-Fix.patch
