#!/usr/bin/env bash
# The browser tests: Playwright drives Debian's Chromium against the real
# server (the binary make built, with the web app embedded) on a database of
# its own, seeded with the demo data.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${DATABASE_URL:?DATABASE_URL names the PostgreSQL server (make test sets it)}"

chromium=${CUSTOS_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium for the browser tests"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "need: Debian's chromium for the browser tests: sudo apt-get install chromium (or set CUSTOS_CHROMIUM)" >&2
        exit 1
    fi
fi
command -v psql >/dev/null || { echo "need: psql (sudo apt-get install postgresql-client)" >&2; exit 1; }

# A database of our own on the same server.
db="custos_e2e_$$"
admin_url=$DATABASE_URL
e2e_url=$(printf '%s' "$admin_url" | sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$db#")
psql -q "$admin_url" -c "CREATE DATABASE $db" >/dev/null

work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# A free port on the loopback address.
port=
for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 10000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "e2e: no free port found" >&2; exit 1; }

export DATABASE_URL=$e2e_url
export CUSTOS_ADDR=127.0.0.1:$port
# Metrics on a free port, so a `make run` beside the tests does not collide.
export CUSTOS_METRICS_ADDR=127.0.0.1:0
export CUSTOS_DEMO_PASSWORD=e2e-demo-password
export CUSTOS_SIGNING_GENERATE=true
export CUSTOS_SIGNING_CERT=$work/signing.crt
export CUSTOS_SIGNING_KEY=$work/signing.key
export CUSTOS_LOG_FORMAT=text
bin/custos migrate >/dev/null
bin/custos seed >/dev/null
bin/custos serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fs "http://$CUSTOS_ADDR/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "http://$CUSTOS_ADDR/readyz" >/dev/null || { echo "e2e: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

echo "Browser tests (Playwright + $chromium) against http://$CUSTOS_ADDR"
cd frontend
status=0
CUSTOS_E2E_URL="http://$CUSTOS_ADDR" CUSTOS_E2E_PASSWORD=$CUSTOS_DEMO_PASSWORD CUSTOS_CHROMIUM=$chromium \
    npx playwright test "$@" 2>&1 | tee "$work/playwright.log" || status=$?
passed=$(grep -oE '[0-9]+ passed' "$work/playwright.log" | tail -1 | cut -d' ' -f1 || true)
failed=$(grep -oE '[0-9]+ failed' "$work/playwright.log" | tail -1 | cut -d' ' -f1 || true)
if [ "$status" != 0 ]; then
    echo "e2e: server log:" >&2
    tail -50 "$work/server.log" >&2
fi
echo "browser: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
