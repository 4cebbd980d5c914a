#!/usr/bin/env bash
# make test: every test, against a real PostgreSQL. Each test gets its own
# database cloned from a migrated template (pgtestdb), so tests run in
# parallel without sharing state.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/need.sh go

# The memo tests read signed PDFs as a reader would, with poppler's pdfsig
# and pdftotext.
if ! command -v pdfsig >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing poppler-utils (pdfsig, pdftotext) for the memo tests"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
    else
        echo "need: poppler-utils (pdfsig, pdftotext) for the memo tests: sudo apt-get install poppler-utils" >&2
        exit 1
    fi
fi

# The cluster tests (internal/clustertest) put Debian's HAProxy in front of
# two servers.
if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing haproxy for the cluster tests"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
    else
        echo "need: haproxy for the cluster tests: sudo apt-get install haproxy" >&2
        exit 1
    fi
fi

# The PKCS#11 test signs with a key made in a SoftHSM2 token of its own.
if ! command -v softhsm2-util >/dev/null 2>&1 || [ ! -e /usr/lib/softhsm/libsofthsm2.so ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing softhsm2 (a PKCS#11 token) for the memo signing tests"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softhsm2 >/dev/null
    else
        echo "need: softhsm2 (a PKCS#11 token) for the memo signing tests: sudo apt-get install softhsm2" >&2
        exit 1
    fi
fi

if [ -z "${DATABASE_URL:-}" ]; then
    DATABASE_URL=$(scripts/devdb.sh start test)
    export DATABASE_URL
    trap 'scripts/devdb.sh stop test' EXIT
    echo "Testing against a throwaway PostgreSQL cluster (scripts/devdb.sh; stopped when the tests end)"
else
    echo "Testing against DATABASE_URL (its role needs CREATEDB and CREATEROLE to make test databases)"
fi

# The web app's API types are generated from internal/httpapi/openapi.yaml;
# a stale copy fails here, saying which command regenerates it.
(cd frontend && npm run --silent check:api)

go vet ./...
go test -count=1 -timeout 20m ./...

# Each fuzz target for a short bounded time (make fuzz runs them longer).
FUZZTIME=${FUZZTIME:-5s} scripts/fuzz.sh

echo "Web app component tests (Vitest)"
(cd frontend && npx vitest run)

scripts/e2e.sh
