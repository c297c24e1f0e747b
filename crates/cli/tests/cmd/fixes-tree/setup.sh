# Mainline tags of both kinds on the first commit; the commit the fix names comes after them
# and no remote-tracking branch of bpf.git has it: it exists only in -next.
git init -q -b master
printf 'int x;\n' > syscall.c
git add syscall.c
git commit -q -m 'Linux 6.12'
git tag v6.12-rc1
git tag v6.12
printf 'int y;\n' >> syscall.c
git commit -q -a -m 'bpf: Add map refcounting'
id=$(git rev-parse --short=12 HEAD)
sed -i "s/^Fixes: 0123456789ab /Fixes: $id /" 0001-bpf-Fix.patch
