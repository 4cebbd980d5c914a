#!/usr/bin/env bash
# make run: start Custos on a local PostgreSQL with demo data.
set -euo pipefail
bin=${1:-bin/custos}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${DATABASE_URL:-}" ]; then
    DATABASE_URL=$(scripts/devdb.sh start run)
    export DATABASE_URL
    trap 'scripts/devdb.sh stop run' EXIT
    echo "Using a local PostgreSQL cluster (scripts/devdb.sh); its data is kept between runs"
fi
export CUSTOS_ADDR=${CUSTOS_ADDR:-127.0.0.1:8080}
export CUSTOS_LOG_FORMAT=${CUSTOS_LOG_FORMAT:-text}
export CUSTOS_METRICS_ADDR=${CUSTOS_METRICS_ADDR:-127.0.0.1:9090}
# Memos are signed with a development key and certificate made on first run
# and kept in .local/signing; the README says how to use a real one.
export CUSTOS_SIGNING_CERT=${CUSTOS_SIGNING_CERT:-$root/.local/signing/memo-signing.crt}
export CUSTOS_SIGNING_KEY=${CUSTOS_SIGNING_KEY:-$root/.local/signing/memo-signing.key}
export CUSTOS_SIGNING_GENERATE=${CUSTOS_SIGNING_GENERATE:-true}

"$bin" migrate
echo
"$bin" seed
echo
echo "Custos is starting: open http://$CUSTOS_ADDR in a browser and sign in with a demo login above."
echo "  (Ctrl-C stops it)"
echo "  API description: http://$CUSTOS_ADDR/api/v1/openapi.json"
if [ "$CUSTOS_METRICS_ADDR" != off ]; then
    echo "  Prometheus metrics (not on the API address): http://$CUSTOS_METRICS_ADDR/metrics"
fi
echo "  Sign in:  curl -c cookies -H 'Content-Type: application/json' \\"
echo "              -d '{\"email\":\"officer@example.com\",\"password\":\"<password above>\"}' http://$CUSTOS_ADDR/api/v1/session"
echo
"$bin" serve
