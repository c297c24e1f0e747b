git init -q -b master
# bpf-next as fetched today: its syscall.c has moved on from what the patch expects.
printf 'int a;\nint bar;\nint b;\n' > kernel-syscall.c
mkdir -p kernel/bpf && mv kernel-syscall.c kernel/bpf/syscall.c
git add kernel/bpf/syscall.c
GIT_COMMITTER_DATE="$(date -R)" git commit -q -m 'bpf: Rename foo to bar'
git remote add bpf-next https://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf-next.git
git update-ref refs/remotes/bpf-next/master HEAD
