#!/usr/bin/env bash
# make bench: measure Custos against PostgreSQL's own limit on this machine.
# Brings up its own PostgreSQL cluster (.local/bench, removed afterwards),
# builds and starts the server with the demo data, and runs the driver in
# scripts/bench (answer writes vs pgbench running their SQL at 1, 8 and 32
# clients, statements per request, /me vs /healthz, catalogue search at 10
# and 10,000 custodians, workspace at 3 and 20 candidates, audit list and
# verify at 1,000 and 100,000 events, server RSS), then the memo render+sign
# Go benchmark. Not part of make test. BENCH_DURATION and BENCH_REPS tune it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/need.sh go
command -v pgbench >/dev/null || { echo "bench: pgbench is missing (sudo apt-get install postgresql-contrib or postgresql)"; exit 1; }

scripts/devdb.sh stop bench 2>/dev/null || true
rm -rf .local/bench "$(cat .local/bench.path 2>/dev/null || echo /nonexistent)" .local/bench.path
export DATABASE_URL=$(scripts/devdb.sh start bench)
pgdir=$(cat .local/bench.path)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    scripts/devdb.sh stop bench || true
}
trap cleanup EXIT

mkdir -p bin
go build -o bin/custos-bench ./cmd/custos
export CUSTOS_DEMO_PASSWORD=bench-password-$RANDOM-$RANDOM
export CUSTOS_ADDR=127.0.0.1:${BENCH_PORT:-8089}
export CUSTOS_METRICS_ADDR=off
export CUSTOS_LOG_LEVEL=${CUSTOS_LOG_LEVEL:-warn}
export CUSTOS_SIGNING_CERT=$pgdir/memo-signing.crt CUSTOS_SIGNING_KEY=$pgdir/memo-signing.key CUSTOS_SIGNING_GENERATE=true
bin/custos-bench migrate >/dev/null
bin/custos-bench seed >/dev/null
bin/custos-bench serve >"$pgdir/custos.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -sf "http://$CUSTOS_ADDR/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf "http://$CUSTOS_ADDR/readyz" >/dev/null || { echo "bench: the server did not become ready; see $pgdir/custos.log"; exit 1; }

echo "== make bench: $(date -u +%FT%TZ), $(nproc) CPUs, $(git rev-parse --short HEAD)"
go run ./scripts/bench -addr "http://$CUSTOS_ADDR" -pid "$server_pid" -pglog "$pgdir/server.log" -bin bin/custos-bench \
    -duration "${BENCH_DURATION:-5s}" -reps "${BENCH_REPS:-3}"
echo
echo "memo render and sign (10 candidates):"
go test -run '^$' -bench 'BenchmarkRenderAndSign10Candidates' -benchtime 50x ./internal/memo/ | grep -E '^Benchmark'
