# Sixteen patches and their cover letter, written here rather than kept as seventeen files.
mkdir series
patch() { # n subject
	cat > "series/$(printf %04d "$1").patch" <<MAIL
From 4f1c2a7d9e3b5c6a8f0e1d2c3b4a59687766554d Mon Sep 17 00:00:00 2001
From: A U Thor <author@example.org>
Date: Tue, 1 Oct 2024 10:00:00 +0000
Subject: [PATCH bpf-next $(printf %02d "$1")/16] $2
To: bpf@vger.kernel.org

This part moves one helper of the foo series to its new home, so
that the verifier can use it.

Signed-off-by: A U Thor <author@example.org>
---
MAIL
	if [ "$1" -gt 0 ]; then
		cat >> "series/$(printf %04d "$1").patch" <<MAIL
diff --git a/kernel/bpf/f$1.c b/kernel/bpf/f$1.c
index 1111111..2222222 100644
--- a/kernel/bpf/f$1.c
+++ b/kernel/bpf/f$1.c
@@ -1,1 +1,1 @@
-a
+b
MAIL
	fi
}
patch 0 "bpf: Move the foo helpers"
i=1
while [ $i -le 16 ]; do
	patch $i "bpf: Move foo helper $i"
	i=$((i + 1))
done
