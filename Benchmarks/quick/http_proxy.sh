#!/usr/bin/env bash
# HTTP requests through Switchyard and nginx side by side, keep-alive from the client. With
# `keepalive` (the default) both proxies keep upstream connections (`keepalive 32` and the
# nginx idiom); with `close`, each request opens a new upstream connection.
# The backend is nginx `return 200` on CPU 1 with wrk; each proxy runs one worker on CPU 0.
# Prints req/s, latency p50/p99 and proxy CPU-seconds per 100k requests.
# Usage: http_proxy.sh [seconds per run, default 10] [keepalive|close]. Needs: release build,
# nginx, wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-10}
MODE=${2:-keepalive}
if [ "$MODE" = keepalive ]; then
    UPSTREAM="upstream be { server 127.0.0.1:18200; keepalive 32; }"
    PASS="proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection \"\";"
else
    UPSTREAM=""
    PASS="proxy_pass http://127.0.0.1:18200;"
fi
BIN=${SWITCHYARD_BIN:-.build/release/switchyard}
[ -x "$BIN" ] || { echo "build first: swift build -c release" >&2; exit 1; }
for tool in nginx wrk taskset; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
BACKEND=18200; SY=18201; NG=18202

mkdir -p "$WORK/be" "$WORK/ng"
cat > "$WORK/be.conf" <<CONF
worker_processes 1; daemon off; master_process off; error_log $WORK/be.err; pid $WORK/be.pid;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$BACKEND backlog=4096; location / { return 200 "ok\n"; } } }
CONF
taskset -c 1 nginx -p "$WORK/be" -c "$WORK/be.conf" & PIDS+=($!)

cat > "$WORK/sy.conf" <<CONF
worker_processes 1;
error_log $WORK/sy.err warn;
events { worker_connections 4096; }
http { $UPSTREAM server { listen 127.0.0.1:$SY backlog=4096; location / { $PASS } } }
CONF
taskset -c 0 "$BIN" -c "$WORK/sy.conf" & PIDS+=($!); SYPID=$!

cat > "$WORK/ng.conf" <<CONF
worker_processes 1; daemon off; master_process off; error_log $WORK/ng.err; pid $WORK/ng.pid;
events { worker_connections 4096; }
http { access_log off; $UPSTREAM server { listen 127.0.0.1:$NG backlog=4096; location / { $PASS } } }
CONF
taskset -c 0 nginx -p "$WORK/ng" -c "$WORK/ng.conf" & PIDS+=($!); NGPID=$!
sleep 1

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)
run() { # name port pid
    local before after out rps p50 p99 reqs cpu100k
    before=$(cpu "$3")
    out=$(taskset -c 1 wrk -t1 -c32 -d"${SECS}s" --latency "http://127.0.0.1:$2/" 2>&1)
    after=$(cpu "$3")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    cpu100k=$(python3 -c "print(round(($after-$before)/$TICKS/$reqs*100000, 2))")
    echo "$1 $rps $p50 $p99 $cpu100k"
}
read -r _ nr n50 n99 nc < <(run nginx $NG $NGPID)
read -r _ sr s50 s99 sc < <(run switchyard $SY $SYPID)
echo "| proxy | req/s | p50 | p99 | proxy CPU-s per 100k req | CPU ratio to nginx |"
echo "|---|---|---|---|---|---|"
echo "| nginx | $nr | $n50 | $n99 | $nc | 1.00 |"
echo "| switchyard | $sr | $s50 | $s99 | $sc | $(python3 -c "print(round($sc/$nc, 2))") |"
