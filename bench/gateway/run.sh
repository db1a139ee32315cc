#!/usr/bin/env bash
# nsqgw vs nginx as reverse proxies to the same local backend, in one run.
#
#   bench/gateway/run.sh [duration=10s] [connections=64] [workers=1] [rounds=3]
#
# Needs: build/gateway-rel/apps/nsqgw/nsqgw (cmake --preset release -B build/gateway-rel;
# cmake --build build/gateway-rel --target nsqgw), wrk, nginx (nginx-light), g++.
# The backend (backend.cc, built here with -O2) answers every request "200 OK" with a 2-byte
# body. nginx and nsqgw are configured the same: same worker count, keep-alive upstream
# connections, no access log, the client's Host passed on, X-Forwarded-For/-Host/-Proto added
# (nsqgw always adds them; nginx by proxy_set_header). "nsqgw" runs no middleware, like nginx;
# "nsqgw+metrics" is a second instance with its default middleware (Prometheus metrics).
# wrk: 1 thread, `connections` keep-alive connections. Each round measures direct, then the
# three proxies in alternating order (odd rounds nginx → nsqgw → nsqgw+metrics, even rounds the
# reverse, so a drift of the machine over time favours neither); the table shows every round,
# the medians, and the median of the per-round ratio nsqgw/nginx (a paired comparison: both
# measured in the same round). "added p99" = proxy p99 − direct p99 of the same round.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10s}
CONNS=${2:-64}
WORKERS=${3:-1}
ROUNDS=${4:-3}
NSQGW=${NSQGW:-build/gateway-rel/apps/nsqgw/nsqgw}
[ -x "$NSQGW" ] || { echo "build nsqgw first: $NSQGW missing" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx missing (apt-get install nginx-light)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/nsqgw-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 never opened" >&2; return 1
}

g++ -O2 -std=c++20 -o "$TMP/backend" bench/gateway/backend.cc -lpthread
BACKEND_PORT=$(free_port); NGINX_PORT=$(free_port); GW_PORT=$(free_port); GWM_PORT=$(free_port)

"$TMP/backend" "$BACKEND_PORT" 1 & PIDS+=($!)
wait_port "$BACKEND_PORT"

mkdir -p "$TMP/nginx/logs"
cat > "$TMP/nginx/nginx.conf" <<CONF
worker_processes $WORKERS;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 256; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host \$http_host;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
CONF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" \
  -g "daemon off; pid $TMP/nginx/nginx.pid; error_log stderr;" 2>"$TMP/nginx/error.log" & PIDS+=($!)
wait_port "$NGINX_PORT"

"$NSQGW" --http-address "127.0.0.1:$GW_PORT" --admin-address "" --worker-threads "$WORKERS" \
  --upstream "127.0.0.1:$BACKEND_PORT" --middleware= --log-level warn & PIDS+=($!)
"$NSQGW" --http-address "127.0.0.1:$GWM_PORT" --admin-address "" --worker-threads "$WORKERS" \
  --upstream "127.0.0.1:$BACKEND_PORT" --log-level warn & PIDS+=($!)
wait_port "$GW_PORT"
wait_port "$GWM_PORT"

# wrk output → "rps p50_ms p99_ms"
measure() {
  wrk -t1 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$1/" > "$TMP/wrk.txt"
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }' "$TMP/wrk.txt"
}

echo "# nsqgw vs nginx: wrk -t1 -c$CONNS -d$DURATION, $WORKERS worker(s) each, $(nproc) cores, $(date -u +%FT%TZ)"
echo "| round | target | req/s | p50 ms | p99 ms | added p99 ms | non-2xx |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  read -r d_rps d_p50 d_p99 d_bad < <(measure "$BACKEND_PORT")
  if (( r % 2 == 1 )); then
    read -r n_rps n_p50 n_p99 n_bad < <(measure "$NGINX_PORT")
    read -r g_rps g_p50 g_p99 g_bad < <(measure "$GW_PORT")
    read -r m_rps m_p50 m_p99 m_bad < <(measure "$GWM_PORT")
  else
    read -r m_rps m_p50 m_p99 m_bad < <(measure "$GWM_PORT")
    read -r g_rps g_p50 g_p99 g_bad < <(measure "$GW_PORT")
    read -r n_rps n_p50 n_p99 n_bad < <(measure "$NGINX_PORT")
  fi
  added() { awk "BEGIN{printf \"%.3f\", $1-$d_p99}"; }
  echo "| $r | direct | $d_rps | $d_p50 | $d_p99 | - | $d_bad |"
  echo "| $r | nginx | $n_rps | $n_p50 | $n_p99 | $(added "$n_p99") | $n_bad |"
  echo "| $r | nsqgw | $g_rps | $g_p50 | $g_p99 | $(added "$g_p99") | $g_bad |"
  echo "| $r | nsqgw+metrics | $m_rps | $m_p50 | $m_p99 | $(added "$m_p99") | $m_bad |"
  ratio() { awk "BEGIN{printf \"%.4f\", $1/$n_rps}"; }
  echo "$n_rps $g_rps $m_rps $(added "$n_p99") $(added "$g_p99") $(added "$m_p99") $(ratio "$g_rps") $(ratio "$m_rps")" >> "$TMP/rounds.txt"
done
median() { sort -n -k"$1" "$TMP/rounds.txt" | awk -v k="$1" '{v[NR]=$k} END {print v[int((NR+1)/2)]}'; }
echo "median req/s: nginx $(median 1), nsqgw $(median 2), nsqgw+metrics $(median 3)"
echo "median added p99 ms: nginx $(median 4), nsqgw $(median 5), nsqgw+metrics $(median 6)"
echo "median per-round req/s ratio to nginx: nsqgw $(median 7), nsqgw+metrics $(median 8)"
