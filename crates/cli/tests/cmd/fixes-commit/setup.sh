# The commit the patch fixes, with another subject than its Fixes: tag quotes; the tag is
# pointed at it here (the id is stable: git identity and dates are fixed).
git init -q -b master
printf 'int x;\n' > syscall.c
git add syscall.c
git commit -q -m 'bpf: Add map refcounting'
id=$(git rev-parse --short=12 HEAD)
sed -i "s/^Fixes: 0123456789ab /Fixes: $id /" 0001-bpf-Fix.patch
