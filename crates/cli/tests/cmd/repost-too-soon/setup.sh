. "$CASES/common.sh"
git init -q -b master
# Sent an hour and a half ago.
now=$(date +%s)
printf '{"time":%s,"tree":"bpf-next","version":1,"cover":null,"subjects":["bpf: Support foo"],"message_id":null}\n' $((now - 5400)) > sent.log
keep_sent_log
