# A kernel-like repository: a MAINTAINERS at HEAD with the BPF and networking entries.
git init -q -b master
cat > MAINTAINERS <<'M'
BPF [GENERAL]
M:	Alexei Starovoitov <ast@kernel.org>
L:	bpf@vger.kernel.org
F:	kernel/bpf/

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
git add MAINTAINERS
git commit -q -m 'Add MAINTAINERS'
