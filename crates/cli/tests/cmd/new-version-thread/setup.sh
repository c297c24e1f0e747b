. "$CASES/common.sh"
git init -q -b master
# v1 went out long ago.
printf '{"time":1000,"tree":"bpf-next","version":1,"cover":null,"subjects":["bpf: Support foo"],"message_id":"<v1@example.org>"}\n' > sent.log
keep_sent_log
