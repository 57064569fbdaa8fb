#!/usr/bin/env bash
# Memory per idle proxied TCP connection: Switchyard and nginx's stream proxy side by side.
# Opens N connections through each proxy to a backend that holds them open, then reads the
# proxy's RSS growth (VmRSS) and divides by N. Usage: idle_memory.sh [N, default 5000]
# Needs: a release build (swift build -c release), nginx, libnginx-mod-stream.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
BIN=${SWITCHYARD_BIN:-.build/release/switchyard}
[ -x "$BIN" ] || { echo "build first: swift build -c release" >&2; exit 1; }
MOD=/usr/lib/nginx/modules/ngx_stream_module.so
[ -f "$MOD" ] || { echo "missing libnginx-mod-stream" >&2; exit 1; }
ulimit -n 20000
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

BACKEND=16201; SY=16202; NG=16203
python3 - "$BACKEND" <<'PY' & PIDS+=($!)
import asyncio, sys
async def hold(reader, writer):
    await reader.read()          # until the client closes
    writer.close()
async def main():
    server = await asyncio.start_server(hold, '127.0.0.1', int(sys.argv[1]), backlog=4096)
    async with server: await server.serve_forever()
asyncio.run(main())
PY

cat > "$WORK/sy.conf" <<CONF
worker_processes 1;
error_log $WORK/sy.err warn;
events { worker_connections 20000; }
stream { server { listen 127.0.0.1:$SY backlog=4096; proxy_pass 127.0.0.1:$BACKEND; } }
CONF
"$BIN" -c "$WORK/sy.conf" & PIDS+=($!); SYPID=$!
mkdir -p "$WORK/ng"
cat > "$WORK/ng.conf" <<CONF
load_module $MOD;
worker_processes 1; daemon off; master_process off; worker_rlimit_nofile 20000;
error_log $WORK/ng.err warn; pid $WORK/ng.pid;
events { worker_connections 20000; }
stream { server { listen 127.0.0.1:$NG backlog=4096; proxy_pass 127.0.0.1:$BACKEND; } }
CONF
nginx -p "$WORK/ng" -c "$WORK/ng.conf" & PIDS+=($!); NGPID=$!
sleep 1

measure() { # port pid
    python3 - "$1" "$2" "$N" <<'PY'
import socket, sys, time
port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1])
before = rss()
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    socks.append(s)
    if i % 500 == 499: time.sleep(0.05)
time.sleep(1.5)
after = rss()
print(f"{before} {after} {(after - before) * 1024 / n:.0f}")
for s in socks: s.close()
PY
}
read -r sb sa sper < <(measure $SY $SYPID)
read -r nb na nper < <(measure $NG $NGPID)
echo "| proxy | idle connections | RSS before (KiB) | RSS after (KiB) | bytes per connection | ratio to nginx |"
echo "|---|---|---|---|---|---|"
echo "| nginx (stream) | $N | $nb | $na | $nper | 1.00 |"
echo "| switchyard | $N | $sb | $sa | $sper | $(python3 -c "print(round($sper/$nper, 2))") |"
