#!/usr/bin/env bash
# bench/transport.sh — publish and consume throughput over each negotiated transport (plain,
# TLS, snappy, deflate, TLS+snappy) against one nsqd with a generated certificate.
# 200-byte messages, MPUB batches of 200 over 2 connections, then SUB with RDY 2500 over 2.
# Environment: NSQPP_BUILD_DIR (default build/release), MESSAGES per round (default 1000000).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${NSQPP_BUILD_DIR:-$ROOT/build/release}
MESSAGES=${MESSAGES:-1000000}
NSQD=$BUILD/apps/nsqd/nsqd
PUB=$BUILD/bench/load/nsq_bench_pub
SUB=$BUILD/bench/load/nsq_bench_sub
for bin in "$NSQD" "$PUB" "$SUB"; do
  [[ -x $bin ]] || { echo "[transport] missing $bin — run 'make bench' first" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/nsqpp-transport.XXXXXX)
NSQD_PID=""
cleanup() { [[ -n $NSQD_PID ]] && kill "$NSQD_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1
mkdir -p "$WORK/data"
"$NSQD" --tcp-address=127.0.0.1:0 --http-address=127.0.0.1:0 --https-address= \
  --tls-cert="$WORK/cert.pem" --tls-key="$WORK/key.pem" --data-path="$WORK/data" \
  --mem-queue-size=2000000 2>"$WORK/nsqd.log" &
NSQD_PID=$!
for _ in $(seq 100); do
  TCP=$(grep -o 'TCP: listening on [0-9.:]*' "$WORK/nsqd.log" | awk '{print $4}' || true)
  [[ -n $TCP ]] && break
  sleep 0.1
done
[[ -n $TCP ]] || { echo "[transport] nsqd did not start:"; cat "$WORK/nsqd.log"; exit 1; }
echo "[transport] nsqd on $TCP, $MESSAGES messages per round"

declare -A PUB_RATE SUB_RATE
MODES=(plain tls snappy deflate tls+snappy)
for mode in "${MODES[@]}"; do
  flags=()
  [[ $mode == *tls* ]] && flags+=(--tls=true)
  [[ $mode == *snappy* ]] && flags+=(--snappy=true)
  [[ $mode == *deflate* ]] && flags+=(--deflate=true --deflate-level=1)
  topic="transport_${mode/+/_}"
  echo "[transport] $mode: publishing"
  "$PUB" --nsqd-tcp-address="$TCP" --topic="$topic" --messages="$MESSAGES" "${flags[@]}" \
    > "$WORK/pub_$mode.log" 2>&1
  PUB_RATE[$mode]=$(grep -o '[0-9.]* msgs/s' "$WORK/pub_$mode.log" | tail -1)
  echo "[transport] $mode: consuming"
  "$SUB" --nsqd-tcp-address="$TCP" --topic="$topic" --messages="$MESSAGES" "${flags[@]}" \
    > "$WORK/sub_$mode.log" 2>&1
  SUB_RATE[$mode]=$(grep -o '[0-9.]* msgs/s' "$WORK/sub_$mode.log" | tail -1)
done
printf '\n%-12s %-20s %-20s\n' transport "PUB (MPUB 200)" "SUB (RDY 2500)"
for mode in "${MODES[@]}"; do
  printf '%-12s %-20s %-20s\n' "$mode" "${PUB_RATE[$mode]}" "${SUB_RATE[$mode]}"
done
