# Set-up shared by the cases' setup.sh, which source it as `. "$CASES/common.sh"` (the
# snapshot test sets CASES to this folder). Each function runs in the case's work copy.

# The BPF entry of a MAINTAINERS file, on stdout.
maintainers_bpf() {
	cat <<'M'
BPF [GENERAL]
M:	Alexei Starovoitov <ast@kernel.org>
L:	bpf@vger.kernel.org
F:	kernel/bpf/
M
}

# A MAINTAINERS at HEAD with the BPF and networking entries and the catch-all.
commit_kernel_maintainers() {
	{
		maintainers_bpf
		cat <<'M'

NETWORKING [GENERAL]
M:	Jakub Kicinski <kuba@kernel.org>
L:	netdev@vger.kernel.org
F:	net/

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
F:	*
F:	*/
M
	} > MAINTAINERS
	git add MAINTAINERS
	git commit -q -m 'Add MAINTAINERS'
}

# A first commit, 'Linux 6.12', with mainline's tags of both kinds on it (a project's own
# v6.12 alone would not be mainline).
commit_mainline_6_12() {
	printf 'int x;\n' > syscall.c
	git add syscall.c
	git commit -q -m 'Linux 6.12'
	git tag v6.12-rc1
	git tag v6.12
}

# Point the Fixes: tag of 0001-bpf-Fix.patch at HEAD (the id is stable: git identity and
# dates are fixed).
fixes_points_at_head() {
	id=$(git rev-parse --short=12 HEAD)
	sed -i "s/^Fixes: 0123456789ab /Fixes: $id /" 0001-bpf-Fix.patch
}

# Keep ./sent.log as the repository's record of what was sent, as bpf-policy writes it.
keep_sent_log() {
	mkdir -m 700 .git/bpf-policy && mv sent.log .git/bpf-policy/ && chmod 600 .git/bpf-policy/sent.log
}
