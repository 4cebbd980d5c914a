#!/usr/bin/env bash
# make test: every test, against a real PostgreSQL. Each test gets its own
# database cloned from a migrated template (pgtestdb), so tests run in
# parallel without sharing state.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/need.sh go

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
