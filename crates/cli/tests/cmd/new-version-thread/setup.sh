git init -q -b master
# v1 went out long ago.
printf '{"time":1000,"tree":"bpf-next","version":1,"cover":null,"subjects":["bpf: Support foo"],"message_id":"<v1@example.org>"}\n' > sent.log
mkdir -m 700 .git/bpf-policy && mv sent.log .git/bpf-policy/ && chmod 600 .git/bpf-policy/sent.log
