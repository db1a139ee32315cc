#!/usr/bin/env bash
# bench/run.sh — load benchmarks of nsqd (see docs/benchmarks.md). Builds nothing: `make bench`
# builds the release preset first. Starts nsqd on 127.0.0.1 (free ports, temp data dir), runs
# PUB / SUB / PUB-batch-1 / PUB+SUB-at-once throughput, publish→consume latency and the RSS of 1M queued
# messages, then prints a summary table. Everything is 200-byte messages, as NSQ's bench.sh.
#
# Environment:
#   NSQPP_BUILD_DIR  build tree with apps/nsqd/nsqd and bench/load/ (default build/release)
#   ROUNDS           repetitions of each throughput test; the best is reported (default 3)
#   MESSAGES         messages per PUB/SUB round (default 2000000: 1M fit in the channel's
#                    memory queue + 1M in the topic's; nsqpp has no disk queue yet)
#   SINGLE_MESSAGES  messages per PUB round with --batch-size=1 (default 1000000)
#   LATENCY_RATE     msgs/s of the latency test (default 10000); LATENCY_DURATION (default 5s)
#   MIXED_DURATION   length of the PUB+SUB-at-once test (default 10s)
#   PERF=1           also `perf record -g` nsqd during the first PUB round (needs linux-perf)
#   RESULTS_DIR      where logs go (default: a new /tmp/nsqpp-bench.XXXXXX)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${NSQPP_BUILD_DIR:-$ROOT/build/release}
ROUNDS=${ROUNDS:-3}
MESSAGES=${MESSAGES:-2000000}
SINGLE_MESSAGES=${SINGLE_MESSAGES:-1000000}
LATENCY_RATE=${LATENCY_RATE:-10000}
LATENCY_DURATION=${LATENCY_DURATION:-5s}
MIXED_DURATION=${MIXED_DURATION:-10s}
RSS_MESSAGES=1000000
PERF=${PERF:-0}
RESULTS=${RESULTS_DIR:-$(mktemp -d /tmp/nsqpp-bench.XXXXXX)}
mkdir -p "$RESULTS"

NSQD=$BUILD/apps/nsqd/nsqd
PUB=$BUILD/bench/load/nsq_bench_pub
SUB=$BUILD/bench/load/nsq_bench_sub
LAT=$BUILD/bench/load/nsq_bench_latency
for bin in "$NSQD" "$PUB" "$SUB" "$LAT"; do
  if [[ ! -x $bin ]]; then
    echo "[bench] missing $bin — run 'make bench' (or build the release preset with NSQPP_BUILD_BENCH=ON)" >&2
    exit 1
  fi
done

log() { printf '[bench] %s\n' "$*"; }
PROBLEMS=()
problem() { PROBLEMS+=("$*"); printf '[bench] PROBLEM: %s\n' "$*" >&2; }
NOTES=()
note() { NOTES+=("$*"); printf '[bench] note: %s\n' "$*"; }

# ---- nsqd lifecycle ------------------------------------------------------------------------
NSQD_PID=""
DATA_DIR=""
TCP_ADDR=""

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if ! port_in_use "$p"; then echo "$p"; return; fi
  done
  echo "[bench] no free port found" >&2
  exit 1
}

start_nsqd() {  # start_nsqd <label> [mem-queue-size]
  DATA_DIR=$(mktemp -d /tmp/nsqpp-bench-data.XXXXXX)
  local tcp http
  tcp=$(free_port)
  http=$(free_port)
  while [[ $http == "$tcp" ]]; do http=$(free_port); done
  TCP_ADDR=127.0.0.1:$tcp
  "$NSQD" --tcp-address="$TCP_ADDR" --http-address="127.0.0.1:$http" --data-path="$DATA_DIR" \
    --mem-queue-size="${2:-1000000}" >"$RESULTS/nsqd-$1.log" 2>&1 &
  HTTP_ADDR=127.0.0.1:$http
  NSQD_PID=$!
  for _ in $(seq 100); do
    if port_in_use "$tcp"; then
      log "nsqd ($1) pid $NSQD_PID listening on $TCP_ADDR, data $DATA_DIR"
      return
    fi
    if ! kill -0 "$NSQD_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "[bench] nsqd did not start; log:" >&2
  cat "$RESULTS/nsqd-$1.log" >&2
  exit 1
}

stop_nsqd() {
  [[ -n $NSQD_PID ]] || return 0
  if ! kill -0 "$NSQD_PID" 2>/dev/null; then
    problem "nsqd (pid $NSQD_PID) was no longer running at the end of a phase"
    wait "$NSQD_PID" 2>/dev/null || true
  else
    local t0=$SECONDS
    kill -TERM "$NSQD_PID"
    for _ in $(seq 150); do
      kill -0 "$NSQD_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$NSQD_PID" 2>/dev/null; then
      problem "nsqd did not exit within 15 s of SIGTERM; sent SIGKILL"
      kill -KILL "$NSQD_PID" 2>/dev/null || true
    else
      log "nsqd stopped by SIGTERM in $((SECONDS - t0)) s"
    fi
    wait "$NSQD_PID" 2>/dev/null || true
  fi
  NSQD_PID=""
  rm -rf "$DATA_DIR"
}
trap stop_nsqd EXIT
trap 'exit 130' INT TERM

nsqd_alive() {
  if ! kill -0 "$NSQD_PID" 2>/dev/null; then
    problem "nsqd died; last log lines:"
    tail -5 "$RESULTS"/nsqd-*.log >&2
    exit 1
  fi
}

# ---- helpers -------------------------------------------------------------------------------
# run <logname> <command...>: runs a tool with a 120 s limit, shows and keeps its output.
run() {
  local name=$1
  shift
  local rc=0
  timeout 120 "$@" >"$RESULTS/$name.log" 2>&1 || rc=$?
  sed 's/^/    /' "$RESULTS/$name.log"
  if ((rc != 0)) && grep -q 'mem-queue-size reached' "$RESULTS/$name.log"; then
    note "$name: nsqd refused messages because its memory queues were full (no disk queue yet)"
  elif ((rc != 0)); then
    problem "$name: exit code $rc: $*"
  fi
  nsqd_alive
  return 0
}
# The rate (msgs/s) from a tool's final "pub:" / "sub:" line.
rate_of() { awk -v k="$2:" '$1 == k && $3 == "msgs" { r = $8 } END { print r + 0 }' "$RESULTS/$1.log"; }
best() { printf '%s\n' "$@" | sort -n | tail -1; }
# SUB creates the topic and the channel, so publishing goes into the channel's queue.
create_channel() { run "create-$1" "$SUB" --nsqd-tcp-address="$TCP_ADDR" --topic="$1" --channel=ch \
  --connections=1 --rdy=0 --duration=0 >/dev/null; }
fmt_rate() { awk -v r="$1" 'BEGIN { printf "%.2fM msgs/s", r / 1e6 }'; }

# ---- run -----------------------------------------------------------------------------------
START=$SECONDS
log "results in $RESULTS"
log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if awk '{ exit !($1 > 0.5) }' /proc/loadavg; then
  log "note: the machine is busy (load > 0.5): figures will be lower than on an idle box"
fi

start_nsqd main

PUB_RATES=()
SUB_RATES=()
for r in $(seq "$ROUNDS"); do
  topic=bench_r$r
  create_channel "$topic"
  log "round $r/$ROUNDS: PUB $MESSAGES msgs (MPUB batch 200, 2 connections, 200 B) to $topic"
  perf_pid=""
  if [[ $PERF == 1 && $r == 1 ]]; then
    perf record -g -o "$RESULTS/perf.data" -p "$NSQD_PID" >"$RESULTS/perf-record.log" 2>&1 &
    perf_pid=$!
    sleep 0.5
  fi
  run "pub-r$r" "$PUB" --nsqd-tcp-address="$TCP_ADDR" --topic="$topic" --size=200 --batch-size=200 \
    --connections=2 --messages="$MESSAGES"
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
  fi
  PUB_RATES+=("$(rate_of "pub-r$r" pub)")
  log "round $r/$ROUNDS: SUB (drain) $MESSAGES msgs from $topic/ch (2 connections, RDY 2500)"
  run "sub-r$r" "$SUB" --nsqd-tcp-address="$TCP_ADDR" --topic="$topic" --channel=ch --connections=2 \
    --rdy=2500 --messages="$MESSAGES"
  SUB_RATES+=("$(rate_of "sub-r$r" sub)")
done

PUB1_RATES=()
for r in $(seq "$ROUNDS"); do
  topic=bench_single_r$r
  create_channel "$topic"
  log "round $r/$ROUNDS: PUB $SINGLE_MESSAGES msgs with --batch-size=1 (pipelined PUB) to $topic"
  run "pub1-r$r" "$PUB" --nsqd-tcp-address="$TCP_ADDR" --topic="$topic" --size=200 --batch-size=1 \
    --connections=2 --messages="$SINGLE_MESSAGES"
  PUB1_RATES+=("$(rate_of "pub1-r$r" pub)")
  log "round $r/$ROUNDS: drain $topic/ch"
  run "drain1-r$r" "$SUB" --nsqd-tcp-address="$TCP_ADDR" --topic="$topic" --channel=ch \
    --messages="$SINGLE_MESSAGES"
done

log "PUB+SUB at once: PUB for $MIXED_DURATION (batch 200, 2 connections) while 2 consumers drain"
create_channel bench_mixed
"$SUB" --nsqd-tcp-address="$TCP_ADDR" --topic=bench_mixed --channel=ch --connections=2 --rdy=2500 \
  --duration=120s --idle-timeout=3s >"$RESULTS/mixed-sub.log" 2>&1 &
mixed_sub=$!
run mixed-pub "$PUB" --nsqd-tcp-address="$TCP_ADDR" --topic=bench_mixed --size=200 --batch-size=200 \
  --connections=2 --duration="$MIXED_DURATION"
# The consumers may fall behind: the backlog then fills both memory queues (1M + 1M) and
# nsqd refuses further MPUBs (nsqpp has no disk queue yet) — a note, not a failure.
wait "$mixed_sub" || problem "mixed SUB exited with an error: $(tail -2 "$RESULTS/mixed-sub.log" | tr '\n' ' ')"
tail -1 "$RESULTS/mixed-sub.log" | sed 's/^/    /'
MIXED_PUB=$(rate_of mixed-pub pub)
MIXED_SUB=$(rate_of mixed-sub sub)
mixed_sent=$(awk '$1 == "pub:" && $3 == "msgs" { print $2 }' "$RESULTS/mixed-pub.log")
mixed_got=$(awk '$1 == "sub:" && $3 == "msgs" { print $2 }' "$RESULTS/mixed-sub.log")
if [[ $mixed_sent != "$mixed_got" ]]; then
  problem "PUB+SUB: $mixed_sent messages acknowledged but $mixed_got consumed"
fi

# The consumer turns output buffering off (IDENTIFY output_buffer_timeout -1): with NSQ's
# default (250 ms) a consumer holding RDY credit gets messages up to 250 ms late by design.
log "latency: PUB at $LATENCY_RATE msgs/s for $LATENCY_DURATION, one consumer (RDY 2500, output buffering off)"
run latency "$LAT" --nsqd-tcp-address="$TCP_ADDR" --topic=bench_latency --rate="$LATENCY_RATE" \
  --duration="$LATENCY_DURATION" --warmup=1s --output-buffer-timeout=-1
LATENCY=$(grep '^latency:' "$RESULTS/latency.log" | head -1 | sed 's/^latency: //')
stop_nsqd

log "disk-backed ingest: --mem-queue-size=0 (every message written to the disk queues)"
start_nsqd disk 0
DISK_RATES=()
for r in $(seq "$ROUNDS"); do
  topic=bench_disk_r$r
  create_channel "$topic"
  log "round $r/$ROUNDS: PUB $MESSAGES msgs (MPUB batch 200, 2 connections) to $topic, all on disk"
  run "disk-r$r" "$PUB" --nsqd-tcp-address="$TCP_ADDR" --topic="$topic" --size=200 --batch-size=200 \
    --connections=2 --messages="$MESSAGES"
  DISK_RATES+=("$(rate_of "disk-r$r" pub)")
  log "round $r/$ROUNDS: drain $topic/ch from disk"
  run "disk-drain-r$r" "$SUB" --nsqd-tcp-address="$TCP_ADDR" --topic="$topic" --channel=ch \
    --connections=2 --rdy=2500 --messages="$MESSAGES"
done
stop_nsqd

HTTP_PUB="-"
if command -v wrk >/dev/null; then
  log "HTTP /pub: wrk, 2 threads, 50 connections, ${HTTP_DURATION:-10s}, 200-byte bodies"
  start_nsqd http
  printf 'wrk.method = "POST"\nwrk.body = string.rep("x", 200)\n' >"$RESULTS/pub.lua"
  run http-pub wrk -t2 -c50 -d"${HTTP_DURATION:-10s}" -s "$RESULTS/pub.lua" \
    "http://$HTTP_ADDR/pub?topic=bench_http"
  HTTP_PUB=$(awk '/^Requests\/sec/ { print $2 }' "$RESULTS/http-pub.log")
  stop_nsqd
else
  note "wrk not installed (scripts/setup-deps.sh installs it): HTTP /pub not measured"
fi

log "RSS: fresh nsqd, topic with one channel and no consumer, PUB $RSS_MESSAGES msgs"
start_nsqd rss
sleep 0.5
RSS_IDLE=$(awk '/^VmRSS/ { print $2 }' "/proc/$NSQD_PID/status")
create_channel bench_rss
run rss-pub "$PUB" --nsqd-tcp-address="$TCP_ADDR" --topic=bench_rss --size=200 --batch-size=200 \
  --connections=2 --messages="$RSS_MESSAGES"
sleep 1
RSS_KB=$(awk '/^VmRSS/ { print $2 }' "/proc/$NSQD_PID/status")
HWM_KB=$(awk '/^VmHWM/ { print $2 }' "/proc/$NSQD_PID/status")
grep -E '^(VmRSS|VmHWM|RssAnon|Threads)' "/proc/$NSQD_PID/status" | sed 's/^/    /'
log "RSS: drain to check that all $RSS_MESSAGES are there"
run rss-drain "$SUB" --nsqd-tcp-address="$TCP_ADDR" --topic=bench_rss --channel=ch \
  --messages="$RSS_MESSAGES"
stop_nsqd

# ---- summary -------------------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
per_round() { local out="" x; for x in "$@"; do out+="$(awk -v r="$x" 'BEGIN { printf "%.2f ", r / 1e6 }')"; done; echo "${out% }"; }
echo
echo "=============================================================================================="
printf '%-34s %-16s %-16s %-10s %s\n' "benchmark (200-byte messages)" "nsqpp (best)" "NSQ reference" "target" "rounds (M msgs/s)"
echo "----------------------------------------------------------------------------------------------"
printf '%-34s %-16s %-16s %-10s %s\n' "PUB  MPUB batch 200, 2 conns" "$(fmt_rate "$(best "${PUB_RATES[@]}")")" "1.27M msgs/s" ">=2.5M" "$(per_round "${PUB_RATES[@]}")"
printf '%-34s %-16s %-16s %-10s %s\n' "SUB  2 conns, RDY 2500" "$(fmt_rate "$(best "${SUB_RATES[@]}")")" "0.68M msgs/s" ">=1.4M" "$(per_round "${SUB_RATES[@]}")"
printf '%-34s %-16s %-16s %-10s %s\n' "PUB  batch 1 (pipelined), 2 conns" "$(fmt_rate "$(best "${PUB1_RATES[@]}")")" "-" "-" "$(per_round "${PUB1_RATES[@]}")"
printf '%-34s %-16s %-16s %-10s %s\n' "PUB+SUB at once, 2+2 conns" "$(fmt_rate "$MIXED_PUB")" "-" "-" "SUB $(fmt_rate "$MIXED_SUB"), $mixed_got msgs"
printf '%-34s %-16s %-16s %-10s %s\n' "PUB  disk-backed (mem-queue-size=0)" "$(fmt_rate "$(best "${DISK_RATES[@]}")")" "-" ">=1/2 mem" "$(per_round "${DISK_RATES[@]}")"
printf '%-34s %-16s %-16s %-10s %s\n' "HTTP /pub (wrk -t2 -c50)" "$HTTP_PUB req/s" "-" ">=50000" ""
printf '%-34s %-16s %-16s %-10s %s\n' "RSS, 1M queued msgs, 1 channel" "$(mib "$RSS_KB")" "361 MiB" "<240 MiB" "idle $(mib "$RSS_IDLE"), peak $(mib "$HWM_KB")"
printf '%-34s %s\n' "latency @ $LATENCY_RATE/s" "$LATENCY"
echo "=============================================================================================="
log "total time $((SECONDS - START)) s; logs in $RESULTS"
if [[ $PERF == 1 && -f $RESULTS/perf.data ]]; then
  log "perf: top symbols of nsqd during PUB round 1 (self time)"
  perf report -i "$RESULTS/perf.data" --stdio --no-children --sort symbol 2>/dev/null |
    grep -E '^ +[0-9.]+%' | cut -c1-120 | sed -E 's/[[:space:]]+$//; s/^/    /' | head -15 || true
fi
if ((${#NOTES[@]} > 0)); then
  log "${#NOTES[@]} note(s):"
  printf '    %s\n' "${NOTES[@]}"
fi
if ((${#PROBLEMS[@]} > 0)); then
  log "${#PROBLEMS[@]} problem(s):"
  printf '    %s\n' "${PROBLEMS[@]}"
  exit 1
fi
