# A kernel-like repository with the commit the patch fixes, written by someone else; the
# Fixes: tag is pointed at it here.
. "$CASES/common.sh"
git init -q -b master
maintainers_bpf > MAINTAINERS
mkdir -p kernel/bpf
printf 'int x;\n' > kernel/bpf/syscall.c
git add MAINTAINERS kernel
GIT_AUTHOR_NAME='Bug Author' GIT_AUTHOR_EMAIL=bug.author@example.org git commit -q -m 'bpf: Add map refcounting'
fixes_points_at_head
