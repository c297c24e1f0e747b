#!/usr/bin/env python3
"""Write a kernel-like history into a new git repository through one git fast-import.

Usage: gen-history.py DIR COMMITS

- COMMITS commits on master over 18 years of committer dates; every 40th is a merge of a
  three-commit topic branch forked 30 commits earlier (so about COMMITS * 1.075 in all);
- one commit in seven (after the first thousand) carries a Fixes: tag naming an earlier
  commit by its real id and subject: half of them within the last 5,000 commits, half
  anywhere in the history (years back);
- each commit changes one of 2,000 files in 40 directories, with a kernel-style message;
- release tags v<N>.<M>-rc1 .. -rc7 and v<N>.<M> along the way, a release every 12,000
  commits, the newest one final (so merge-window has something to say).

Ids are asked of fast-import itself (get-mark on --cat-blob-fd, a thousand at a time), so the
tags name commits that exist. Deterministic: the same COMMITS gives the same history.
"""

import os
import random
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-history.py DIR COMMITS")
    path, total = sys.argv[1], int(sys.argv[2])
    subprocess.run(["git", "init", "-q", "-b", "master", path], check=True)
    subprocess.run(["git", "-C", path, "config", "gc.auto", "0"], check=True)
    rd, wr = os.pipe()
    fi = subprocess.Popen(
        ["git", "-C", path, "fast-import", "--quiet", "--done", f"--cat-blob-fd={wr}"],
        stdin=subprocess.PIPE,
        pass_fds=(wr,),
        bufsize=1 << 20,
    )
    os.close(wr)
    replies = os.fdopen(rd, "rb")
    out = fi.stdin
    rng = random.Random(7)
    start = 1_200_000_000
    step = (18 * 365 * 86400) // total
    subjects = {}
    master = []  # marks of master commits
    mark = 0
    release = [3, 0]

    def commit(ref, parents, when, subject, body):
        nonlocal mark
        mark += 1
        msg = f"{subject}\n\n{body}Signed-off-by: A U Thor <author@example.org>\n".encode()
        n = mark % 2000
        blob = f"int v{mark} = {mark};\n".encode()
        head = (
            f"commit {ref}\nmark :{mark}\n"
            f"author A U Thor <author@example.org> {when} +0000\n"
            f"committer C O Mitter <committer@example.org> {when} +0000\n"
            f"data {len(msg)}\n"
        ).encode()
        rels = "".join(
            f"{'from' if i == 0 else 'merge'} :{p}\n" for i, p in enumerate(parents)
        )
        out.write(
            head + msg + rels.encode()
            + f"M 100644 inline kernel/d{n % 40}/f{n}.c\ndata {len(blob)}\n".encode()
            + blob + b"\n"
        )
        subjects[mark] = subject
        return mark

    # Short ids of master commits, asked of fast-import every 1,000 commits in one round
    # trip (one per tag would wait on the scheduler each time).
    short = []

    def learn():
        todo = master[len(short):]
        out.write(b"".join(f"get-mark :{m}\n".encode() for m in todo))
        out.flush()
        for _ in todo:
            short.append(replies.readline().decode().strip()[:12])

    body = (
        "The verifier accepted a program that it should have rejected, because the\n"
        "bounds of the register were not updated on this path. Update them the same\n"
        "way the other paths do, and add a comment saying why.\n\n"
    )
    for i in range(total):
        when = start + i * step
        parents = [master[-1]] if master else []
        if i % 40 == 39 and len(master) > 30:
            topic = master[-30]
            for t in range(3):
                topic = commit("refs/heads/topic", [topic], when - 3 + t, f"net: Topic change {i}.{t}", body)
            parents.append(topic)
            subject = f"Merge branch 'topic-{i}'"
            text = "Topic series, merged.\n\n"
        else:
            subject = f"bpf: Change number {i}"
            text = body
        if i % 1000 == 999:
            learn()
        if i % 7 == 6 and short:
            if rng.random() < 0.5:
                j = rng.randrange(max(0, len(short) - 5000), len(short))
            else:
                j = rng.randrange(0, len(short))
            text += f'Fixes: {short[j]} ("{subjects[master[j]]}")\n'
        master.append(commit("refs/heads/master", parents, when, subject, text))
        if i % 12000 == 11999:
            release[1] += 1
            if release[1] == 20:
                release = [release[0] + 1, 0]
            name = f"v{release[0]}.{release[1]}"
            # rc1 .. rc7 over the last stretch, the final release here.
            for rc in range(1, 8):
                back = master[-1 - (7 - rc) * 1200]
                out.write(f"reset refs/tags/{name}-rc{rc}\nfrom :{back}\n\n".encode())
            out.write(f"reset refs/tags/{name}\nfrom :{master[-1]}\n\n".encode())
    out.write(b"done\n")
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", path, "reset", "-q", "--hard", "master"], check=True)


main()
