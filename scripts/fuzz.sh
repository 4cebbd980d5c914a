#!/usr/bin/env bash
# Run every Go fuzz target for FUZZTIME each (default 5s: the bounded run
# that make test does; make fuzz runs longer) and print the executions per
# target. Seed corpora are committed in each package's testdata/fuzz/; new
# interesting inputs go to Go's cache, failing ones to testdata/fuzz/ (commit
# them with the fix).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-5s}

targets=(
    "./internal/httpapi FuzzBindJSON"
    "./internal/custos FuzzCanonicalJSON"
    "./internal/custos FuzzChainVerifier"
    "./internal/signing FuzzVerify"
    "./internal/custos FuzzDetectType"
)
summary=()
for t in "${targets[@]}"; do
    read -r pkg name <<<"$t"
    log=$(mktemp)
    if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
        cat "$log"; rm -f "$log"
        echo "fuzz: $name failed; the failing input is in $pkg/testdata/fuzz/$name/" >&2
        exit 1
    fi
    # On a busy machine the baseline coverage may take the whole time: no execs line.
    execs=$( (grep -o 'execs: [0-9]*' "$log" || true) | tail -1 | awk '{print $2}')
    rm -f "$log"
    summary+=("$(printf '  %-20s %-20s %s executions in %s' "$name" "$pkg" "${execs:-0}" "$fuzztime")")
done
echo "Fuzzing passed:"
printf '%s\n' "${summary[@]}"
