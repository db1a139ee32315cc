#!/usr/bin/env bash
# Starts the local daemons from build/release and prints where to look. Ctrl-C stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/release/apps
DATA=${NSQPP_DATA:-$PWD/build/run-data}
mkdir -p "$DATA/nsqd"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait; }
trap cleanup EXIT INT TERM

"$BIN/nsqlookupd/nsqlookupd" --tcp-address=127.0.0.1:4160 --http-address=127.0.0.1:4161 &
pids+=($!)
"$BIN/nsqd/nsqd" --tcp-address=127.0.0.1:4150 --http-address=127.0.0.1:4151 \
  --https-address= --data-path="$DATA/nsqd" --lookupd-tcp-address=127.0.0.1:4160 &
pids+=($!)
ADMIN=""
if [[ -x $BIN/nsqadmin/nsqadmin ]]; then
  "$BIN/nsqadmin/nsqadmin" --http-address=127.0.0.1:4171 --lookupd-http-address=127.0.0.1:4161 &
  pids+=($!)
  ADMIN="  nsqadmin    HTTP http://127.0.0.1:4171   (web UI and /api)"
fi
sleep 0.5
cat <<MSG

nsqpp is running:
  nsqlookupd  TCP 127.0.0.1:4160   HTTP http://127.0.0.1:4161
  nsqd        TCP 127.0.0.1:4150   HTTP http://127.0.0.1:4151   (data: $DATA/nsqd)
$ADMIN

Try it:
  curl -d 'hello' 'http://127.0.0.1:4151/pub?topic=test'
  curl 'http://127.0.0.1:4151/stats?format=json'
  curl 'http://127.0.0.1:4161/nodes'
  any NSQ client (go-nsq, pynsq, nsqjs) on 127.0.0.1:4150

Press Ctrl-C to stop.
MSG
wait
