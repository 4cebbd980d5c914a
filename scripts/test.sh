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

if [ -z "${DATABASE_URL:-}" ]; then
    DATABASE_URL=$(scripts/devdb.sh start test)
    export DATABASE_URL
    trap 'scripts/devdb.sh stop test' EXIT
    echo "Testing against a throwaway PostgreSQL cluster (scripts/devdb.sh; stopped when the tests end)"
else
    echo "Testing against DATABASE_URL (its role needs CREATEDB and CREATEROLE to make test databases)"
fi

go vet ./...
go test -count=1 -timeout 20m ./...

# Each fuzz target for a short bounded time (make fuzz runs them longer).
FUZZTIME=${FUZZTIME:-5s} scripts/fuzz.sh

echo "Web app component tests (Vitest)"
(cd frontend && npx vitest run)

scripts/e2e.sh
