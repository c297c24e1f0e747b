# A kernel-like repository: a MAINTAINERS at HEAD with the BPF and networking entries.
. "$CASES/common.sh"
git init -q -b master
commit_kernel_maintainers
