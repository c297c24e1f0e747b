# Mainline tags of both kinds on the first commit; the commit the fix names comes after them
# and no remote-tracking branch of bpf.git has it: it exists only in -next.
. "$CASES/common.sh"
git init -q -b master
commit_mainline_6_12
printf 'int y;\n' >> syscall.c
git commit -q -a -m 'bpf: Add map refcounting'
fixes_points_at_head
