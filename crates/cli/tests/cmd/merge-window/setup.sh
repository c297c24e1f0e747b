git init -q -b master
printf 'int x;\n' > syscall.c
git add syscall.c
git commit -q -m 'Linux 6.12'
# Mainline's tags: both kinds (a project's own v6.12 alone would not be mainline).
git tag v6.12-rc1
git tag v6.12
