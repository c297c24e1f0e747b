. "$CASES/common.sh"
git init -q -b master
commit_mainline_6_12
