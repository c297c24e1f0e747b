#!/usr/bin/env python3
"""Writes the parity patches (patches/*.patch): format-patch style emails touching many
subsystems. Regenerate the expected output with record-expected.sh (needs perl)."""
import os, sys

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (subject, [files], extra headers, added line, status per file (M, A, D, R:old))
CASES = {
 "01-net-core-filter": ("[PATCH bpf-next] bpf: Allow a new helper in tc programs", ["net/core/filter.c"], "", "\treturn 0;", {}),
 "02-kernel-bpf-verifier": ("[PATCH bpf-next v2 1/3] bpf: Track the range of a spilled register", ["kernel/bpf/verifier.c"], "", "\treg->umax_value = 0;", {}),
 "03-filter-and-bpf": ("[PATCH bpf 1/2] bpf: Fix a leak in map lookups from tc", ["net/core/filter.c", "kernel/bpf/hashtab.c", "kernel/bpf/syscall.c"], "", "\tkfree(p);", {}),
 "04-ice-driver": ("[PATCH net-next] ice: Count dropped packets in the rx ring", ["drivers/net/ethernet/intel/ice/ice_main.c", "drivers/net/ethernet/intel/ice/ice_txrx.c"], "", "\tring->stats.drops++;", {}),
 "05-mlx5": ("[PATCH net] net/mlx5e: Free the queue on the error path", ["drivers/net/ethernet/mellanox/mlx5/core/en_main.c"], "", "\tmlx5e_free_rq(rq);", {}),
 "06-selftests-bpf": ("[PATCH bpf-next] selftests/bpf: Add a test for spilled ranges", ["tools/testing/selftests/bpf/prog_tests/spill_range.c", "tools/testing/selftests/bpf/progs/spill_range.c"], "", "\tASSERT_OK(err, \"load\");", {"tools/testing/selftests/bpf/progs/spill_range.c": "A"}),
 "07-docs-bpf": ("[PATCH bpf-next] docs/bpf: Describe the new flag", ["Documentation/bpf/verifier.rst"], "", "The flag turns it off.", {}),
 "08-x86-jit": ("[PATCH bpf-next] bpf, x86: Emit a shorter jump", ["arch/x86/net/bpf_jit_comp.c"], "", "\temit_jump(&prog, func, ip);", {}),
 "09-uapi-bpf-h": ("[PATCH bpf-next 1/2] bpf: Add BPF_F_NEW_FLAG", ["include/uapi/linux/bpf.h", "tools/include/uapi/linux/bpf.h"], "", "\tBPF_F_NEW_FLAG = (1U << 5),", {}),
 "10-keyword-xdp-in-driver": ("[PATCH net-next] net: ethernet: sfc: Use the new helper", ["drivers/net/ethernet/sfc/rx.c"], "", "\tact = bpf_prog_run_xdp(xdp_prog, &xdp);", {}),
 "11-x-exclusion-jit32": ("[PATCH bpf] bpf, x86_32: Fix the tail call count", ["arch/x86/net/bpf_jit_comp32.c"], "", "\tEMIT3(0x83, add_1reg(0xC0, IA32_EAX), 1);", {}),
 "12-n-ath11k": ("[PATCH wireless-next] wifi: ath11k: Drop an unused variable", ["drivers/net/wireless/ath/ath11k/mac.c"], "", "\tint ret;", {}),
 "13-n-tegra-keyword": ("[PATCH] gpu: host1x: Fix a typo", ["drivers/gpu/host1x/hw/x-tegra-syncpt.c"], "", "\t/* the syncpoint */", {}),
 "14-tcp": ("[PATCH net-next] tcp: Use the helper for rtt sampling", ["net/ipv4/tcp_input.c", "include/net/tcp.h"], "", "\ttcp_rtt_estimator(sk, seq_rtt_us);", {}),
 "15-xsk": ("[PATCH bpf] xsk: Fix a race in the wakeup path", ["net/xdp/xsk.c"], "", "\tspin_lock_bh(&xs->lock);", {}),
 "16-bpf-trace": ("[PATCH bpf-next] bpf: Allow sleepable kprobe helpers", ["kernel/trace/bpf_trace.c"], "", "\treturn &bpf_get_stack_proto;", {}),
 "17-libbpf": ("[PATCH bpf-next] libbpf: Add a getter for the map flags", ["tools/lib/bpf/libbpf.c", "tools/lib/bpf/libbpf.h", "tools/lib/bpf/libbpf.map"], "", "\treturn map->def.map_flags;", {}),
 "18-bpftool": ("[PATCH bpf-next] bpftool: Show the new flag", ["tools/bpf/bpftool/prog.c"], "", "\tjsonw_bool_field(json_wtr, \"new\", true);", {}),
 "19-bnxt": ("[PATCH net] bnxt_en: Fix the ring count after a reset", ["drivers/net/ethernet/broadcom/bnxt/bnxt.c"], "", "\tbp->rx_nr_rings = rc;", {}),
 "20-netfilter": ("[PATCH nf-next] netfilter: nf_tables: Drop a stale comment", ["net/netfilter/nf_tables_api.c"], "", "\t/* nothing */", {}),
 "21-bpf-lsm": ("[PATCH bpf-next] bpf, lsm: Add a hook for the new operation", ["security/bpf/hooks.c", "kernel/bpf/bpf_lsm.c"], "", "\tLSM_HOOK_INIT(inode_free_security, bpf_inode_storage_free);", {}),
 "22-cgroup-sock": ("[PATCH bpf-next] bpf: Run cgroup programs on the new hook", ["kernel/bpf/cgroup.c", "net/core/sock.c", "include/linux/bpf-cgroup.h"], "", "\tBPF_CGROUP_RUN_PROG_INET_SOCK(sk);", {}),
 "23-maintainers-file": ("[PATCH] MAINTAINERS: Add myself as a reviewer", ["MAINTAINERS"], "", "R:\tA U Thor <author@example.org>", {}),
 "24-rename": ("[PATCH bpf-next] selftests/bpf: Move the sample into the selftests", ["tools/testing/selftests/bpf/prog_tests/sockex.c"], "", "", {"tools/testing/selftests/bpf/prog_tests/sockex.c": "R:samples/bpf/sockex1_user.c"}),
 "25-mode-change": ("[PATCH net-next] selftests: net: Make the script executable", ["tools/testing/selftests/net/udpgro.sh"], "", "", {"tools/testing/selftests/net/udpgro.sh": "X"}),
 "26-arm64-jit": ("[PATCH bpf-next] bpf, arm64: Support the new instruction", ["arch/arm64/net/bpf_jit_comp.c", "arch/arm64/net/bpf_jit.h"], "", "\temit(A64_NOP, ctx);", {}),
 "27-skbuff": ("[PATCH net-next] net: Add a helper for the linear length", ["include/linux/skbuff.h"], "", "\treturn skb_headlen(skb);", {}),
 "28-cls-bpf": ("[PATCH net] net/sched: cls_bpf: Fix the offload flags", ["net/sched/cls_bpf.c"], "", "\tprog->gen_flags = gen_flags;", {}),
 "29-docs-filter-abi": ("[PATCH net-next] docs: networking: Update the filter text", ["Documentation/networking/filter.rst", "Documentation/ABI/testing/sysfs-class-net"], "", "Classic BPF is translated.", {}),
 "30-phylink-keyword": ("[PATCH net-next] net: stmmac: Use the new phylink helper", ["drivers/net/ethernet/stmicro/stmmac/stmmac_main.c"], "", "\tphylink_start(priv->phylink);", {}),
 "31-non-ascii-maintainer": ("[PATCH] iio: adc: ad7380: Fix the scale", ["drivers/iio/adc/ad7380.c", "Documentation/iio/ad7380.rst"], "", "\t*val = 1;", {}),
 "32-rust-keyword": ("[PATCH] rust: kernel: Add a helper", ["rust/kernel/lib.rs"], "", "\tpub fn helper() {}", {}),
 "33-sched-ext": ("[PATCH bpf-next] sched_ext: Export a kfunc", ["kernel/sched/ext.c", "tools/sched_ext/scx_simple.bpf.c"], "", "\t__bpf_kfunc_start_defs();", {}),
 "34-ten-files": ("[PATCH bpf-next v3 4/9] bpf: Teach the verifier, JITs and selftests the new op", [
     "kernel/bpf/verifier.c", "kernel/bpf/core.c", "net/core/filter.c", "arch/x86/net/bpf_jit_comp.c",
     "arch/arm64/net/bpf_jit_comp.c", "include/linux/filter.h", "include/uapi/linux/bpf.h",
     "tools/include/uapi/linux/bpf.h", "tools/testing/selftests/bpf/verifier/jit.c", "lib/test_bpf.c"], "", "\tinsn->imm = BPF_NEW_OP;", {}),
 "36-x-exclusion-docs-abi": ("[PATCH net-next] docs: net: Describe the carrier counter", ["Documentation/ABI/testing/sysfs-class-net"], "", "Counts carrier changes.", {}),
 "35-headers-keyword": ("[PATCH] lib: Fix an off-by-one in the bitmap parser", ["lib/bitmap.c"], "To: bpf@vger.kernel.org\n", "\treturn end;", {}),
}

def diffstat(files):
    return "".join(f" {f} | 2 +-\n" for f in files) + f" {len(files)} files changed, {len(files)} insertions(+), {len(files)} deletions(-)\n"

def hunk(added):
    line = added if added else "\terr = 1;"
    return "@@ -10,6 +10,6 @@ static int helper(void)\n \tint err;\n \n-\terr = 0;\n+" + line + "\n \treturn err;\n }\n \n"

def main():
    out = os.path.join(HERE, "patches")
    for name, (subject, files, headers, added, status) in CASES.items():
        body = []
        for f in files:
            st = status.get(f, "M")
            if st == "A":
                body.append(f"diff --git a/{f} b/{f}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/{f}\n@@ -0,0 +1,2 @@\n+// SPDX-License-Identifier: GPL-2.0\n+{added}\n")
            elif st.startswith("R:"):
                old = st[2:]
                body.append(f"diff --git a/{old} b/{f}\nsimilarity index 90%\nrename from {old}\nrename to {f}\nindex 2222222..3333333 100644\n--- a/{old}\n+++ b/{f}\n" + hunk(added))
            elif st == "X":
                body.append(f"diff --git a/{f} b/{f}\nold mode 100644\nnew mode 100755\n")
            else:
                body.append(f"diff --git a/{f} b/{f}\nindex 4444444..5555555 100644\n--- a/{f}\n+++ b/{f}\n" + hunk(added))
        stat = diffstat(files)
        if any(status.get(f) == "X" for f in files):
            stat += "".join(f" mode change 100644 => 100755 {f}\n" for f in files if status.get(f) == "X")
        text = (f"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
                f"From: A U Thor <author@example.org>\nDate: Mon, 1 Dec 2025 10:00:00 +0000\n{headers}"
                f"Subject: {subject}\n\nThe change explains itself in the subject; this line says why.\n\n"
                f"Signed-off-by: A U Thor <author@example.org>\n---\n{stat}\n" + "".join(body) + "--\n2.47.0\n\n")
        with open(os.path.join(out, name + ".patch"), "w") as fh:
            fh.write(text)
    yaml_patches(out)

# Patches touching devicetree bindings: get_maintainer.pl also Cc's every address written in a
# touched .yaml file. files/<name>/ holds each binding as the tree has it after the patch (the
# tests give it to get_maintainer.pl in its scratch directory, and to bpf-policy as HEAD's).
# name: (subject, [(file, status A or M)])
YAML_CASES = {
 "37-dt-binding-new": ("[PATCH net-next 1/2] dt-bindings: net: Add the ACME Foo 10G Ethernet controller",
     [("Documentation/devicetree/bindings/net/acme,foo-eth.yaml", "A")]),
 "38-dt-binding-and-driver": ("[PATCH net-next] net: mdio: acme-bar: Support the PCS clock",
     [("Documentation/devicetree/bindings/net/acme,bar-mdio.yaml", "M"),
      ("Documentation/devicetree/bindings/net/pcs/acme,bar-pcs.yaml", "M"),
      ("drivers/net/mdio/mdio-acme-bar.c", "M")]),
}

def yaml_patches(out):
    for name, (subject, files) in YAML_CASES.items():
        body = []
        for f, st in files:
            path = os.path.join(HERE, "files", name, f)
            if st == "A":
                with open(path, encoding="utf-8") as fh:
                    lines = fh.read().splitlines()
                body.append(f"diff --git a/{f} b/{f}\nnew file mode 100644\nindex 0000000..6666666\n--- /dev/null\n+++ b/{f}\n@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{l}\n" for l in lines))
            elif f.endswith(".yaml"):
                body.append(f"diff --git a/{f} b/{f}\nindex 7777777..8888888 100644\n--- a/{f}\n+++ b/{f}\n@@ -14,6 +14,8 @@ properties:\n   compatible:\n     const: acme,bar\n \n+  clocks:\n+    maxItems: 1\n+\n")
            else:
                body.append(f"diff --git a/{f} b/{f}\nindex 4444444..5555555 100644\n--- a/{f}\n+++ b/{f}\n" + hunk("\tclk = devm_clk_get_optional_enabled(dev, NULL);"))
        stat = diffstat([f for f, _ in files])
        text = (f"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
                f"From: A U Thor <author@example.org>\nDate: Mon, 1 Dec 2025 10:00:00 +0000\n"
                f"Subject: {subject}\n\nThe change explains itself in the subject; this line says why.\n\n"
                f"Signed-off-by: A U Thor <author@example.org>\n---\n{stat}\n" + "".join(body) + "--\n2.47.0\n\n")
        with open(os.path.join(out, name + ".patch"), "w", encoding="utf-8") as fh:
            fh.write(text)

main()
