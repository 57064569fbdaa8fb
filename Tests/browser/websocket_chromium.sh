#!/usr/bin/env bash
# A real browser through the router: headless Chromium opens a WebSocket to the hybrid port of
# a Switchyard started here (HTTP proxy with the nginx upgrade idiom, spliced after the 101, to
# the built-in websocket_echo), sends three messages and writes the echoes into the page; the
# script reads the page back and checks them. Exits 0 when the browser got every echo.
# Usage: Tests/browser/websocket_chromium.sh   (needs: apt-get install chromium; a built binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SWITCHYARD_BIN:-.build/debug/switchyard}
[ -x "$BIN" ] || BIN=.build/release/switchyard
[ -x "$BIN" ] || { echo "build first: swift build" >&2; exit 1; }
CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || { echo "needs Debian's chromium (apt-get install chromium)" >&2; exit 1; }

WORK=$(mktemp -d)
ROUTER=""
cleanup() { [ -n "$ROUTER" ] && kill "$ROUTER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=18390; ECHO=18391

cat > "$WORK/switchyard.conf" <<CONF
worker_processes 1;
error_log $WORK/error.log info;
http {
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:$PORT;
        location /ws {
            proxy_pass http://127.0.0.1:$ECHO;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
        }
    }
    server { listen 127.0.0.1:$ECHO; location /ws { websocket_echo; } }
}
stream { server { listen 127.0.0.1:$PORT; echo; } }
CONF
"$BIN" -c "$WORK/switchyard.conf" & ROUTER=$!
sleep 1

cat > "$WORK/page.html" <<HTML
<!doctype html><title>switchyard websocket</title><pre id="out">waiting</pre>
<script>
const out = document.getElementById('out');
const got = [];
const ws = new WebSocket('ws://127.0.0.1:$PORT/ws');
ws.onopen = () => { for (const m of ['one', 'two', 'x'.repeat(100000)]) ws.send(m); };
ws.onmessage = (e) => {
  got.push(e.data.length > 20 ? 'long:' + e.data.length : e.data);
  if (got.length === 3) { out.textContent = 'ECHOED ' + got.join(','); ws.close(1000); }
};
ws.onerror = () => { out.textContent += ' ERROR'; };
ws.onclose = (e) => { if (got.length < 3) out.textContent += ' closed:' + e.code + ' after ' + got.length; };
</script>
HTML
DOM=$(timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --virtual-time-budget=8000 \
      --dump-dom "file://$WORK/page.html" 2>/dev/null || true)
if echo "$DOM" | grep -q "ECHOED one,two,long:100000"; then
    echo "chromium: WebSocket through switchyard OK (3 messages echoed)"
else
    echo "chromium: FAILED; page was:"; echo "$DOM" | grep -o '<pre id="out">[^<]*' || echo "$DOM" | head -20
    echo "router log:"; cat "$WORK/error.log"
    exit 1
fi
