# The commit the patch fixes, with another subject than its Fixes: tag quotes; the tag is
# pointed at it here.
. "$CASES/common.sh"
git init -q -b master
printf 'int x;\n' > syscall.c
git add syscall.c
git commit -q -m 'bpf: Add map refcounting'
fixes_points_at_head
