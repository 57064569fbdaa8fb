#!/usr/bin/env bash
# Raw TCP bulk through Switchyard and nginx's stream proxy, side by side on loopback.
# Each proxy runs one worker pinned to CPU 0; iperf3 (client and server) runs on CPU 1.
# Prints Gbit/s and proxy CPU-seconds per GiB, each way, and the ratio to nginx.
# Usage: Benchmarks/quick/stream_bulk.sh [GiB per run, default 4]
# Needs: a release build (swift build -c release), iperf3, nginx, libnginx-mod-stream.
set -euo pipefail
cd "$(dirname "$0")/../.."
GIB=${1:-4}
BIN=${SWITCHYARD_BIN:-.build/release/switchyard}
[ -x "$BIN" ] || { echo "build first: swift build -c release" >&2; exit 1; }
for tool in iperf3 nginx taskset; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install iperf3 nginx libnginx-mod-stream)" >&2; exit 1; }; done
MOD=$(ls /usr/lib/nginx/modules/ngx_stream_module.so 2>/dev/null || true)
[ -n "$MOD" ] || { echo "missing libnginx-mod-stream" >&2; exit 1; }

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

BACKEND=15201; SY=17001; NG=17002
taskset -c 1 iperf3 -s -B 127.0.0.1 -p $BACKEND >/dev/null 2>&1 & PIDS+=($!)

cat > "$WORK/sy.conf" <<CONF
worker_processes 1;
error_log $WORK/sy.err warn;
events { worker_connections 1024; }
stream { server { listen 127.0.0.1:$SY; proxy_pass 127.0.0.1:$BACKEND; proxy_half_close on; } }
CONF
taskset -c 0 "$BIN" -c "$WORK/sy.conf" & PIDS+=($!); SYPID=$!

mkdir -p "$WORK/ng"
cat > "$WORK/ng.conf" <<CONF
load_module $MOD;
worker_processes 1; daemon off; master_process off;
error_log $WORK/ng.err warn; pid $WORK/ng.pid;
events { worker_connections 1024; }
stream { server { listen 127.0.0.1:$NG; proxy_pass 127.0.0.1:$BACKEND; proxy_buffer_size 64k; } }
CONF
taskset -c 0 nginx -p "$WORK/ng" -c "$WORK/ng.conf" & PIDS+=($!); NGPID=$!
sleep 1

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, in clock ticks
TICKS=$(getconf CLK_TCK)

run() { # name port pid reverse
    local name=$1 port=$2 pid=$3 rev=$4 before after gbps secs
    [ "$pid" != "-" ] && before=$(cpu "$pid")
    gbps=$(taskset -c 1 iperf3 -c 127.0.0.1 -p "$port" -n "${GIB}G" $rev -J | python3 -c 'import json,sys; d=json.load(sys.stdin); print(round(d["end"]["sum_received"]["bits_per_second"]/1e9, 2))')
    if [ "$pid" != "-" ]; then after=$(cpu "$pid"); secs=$(python3 -c "print(round(($after-$before)/$TICKS/$GIB, 3))"); else secs="-"; fi
    echo "$name $gbps $secs"
}

echo "| scenario | proxy | Gbit/s | proxy CPU-s per GiB | CPU ratio to nginx |"
echo "|---|---|---|---|---|"
for dir in up down; do
    rev=""; [ $dir = down ] && rev="-R"
    read -r _ dg _ < <(run direct $BACKEND - "$rev")
    read -r _ ng ngc < <(run nginx $NG $NGPID "$rev")
    read -r _ sg sgc < <(run switchyard $SY $SYPID "$rev")
    ratio=$(python3 -c "print(round($sgc/$ngc, 2) if $ngc > 0 else '-')")
    echo "| ${GIB} GiB $dir | direct | $dg | - | - |"
    echo "| ${GIB} GiB $dir | nginx (stream, 64k buffer) | $ng | $ngc | 1.00 |"
    echo "| ${GIB} GiB $dir | switchyard (splice) | $sg | $sgc | $ratio |"
done
