#!/bin/sh
# Records what scripts/get_maintainer.pl prints for each patch in patches/ into expected/.
# Each run happens in a scratch directory holding MAINTAINERS and the directories the patch's
# files live in, so that get_maintainer.pl's `-d` test of plain `F:` paths sees the same
# directories a kernel checkout has.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for p in "$here"/patches/*.patch; do
    name=$(basename "$p" .patch)
    scratch=$(mktemp -d)
    cp "$here/MAINTAINERS" "$scratch/"
    grep -E '^(diff --git|rename (from|to)| mode change)' "$p" |
        sed -E 's@^diff --git a/([^ ]+) b/([^ ]+)$@\1\n\2@; s@^rename (from|to) @@; s@^ mode change [0-7]+ => [0-7]+ @@' |
        while read -r f; do
            d=$(dirname "$f")
            [ "$d" = . ] || mkdir -p "$scratch/$d"
        done
    # The .yaml files the patch touches, as the tree has them: get_maintainer.pl Cc's the
    # addresses written in those that exist.
    [ ! -d "$here/files/$name" ] || cp -R "$here/files/$name/." "$scratch/"
    (cd "$scratch" && perl "$here/get_maintainer.pl" --no-git --no-git-fallback --no-rolestats --no-tree "$p") \
        >"$here/expected/$name.txt"
    rm -rf "$scratch"
done
