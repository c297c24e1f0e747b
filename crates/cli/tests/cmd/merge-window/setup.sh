git init -q -b master
printf 'int x;\n' > syscall.c
git add syscall.c
git commit -q -m 'Linux 6.12'
git tag v6.12
