#!/usr/bin/env bash
# Checks that the tools a command needs are installed, and says how to get
# the missing ones.
set -euo pipefail
missing=0
for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 && continue
    missing=1
    case "$tool" in
    go) echo "need: Go 1.26 or newer is not on PATH; install it from your package manager or the Go distribution, then add it to PATH" >&2 ;;
    node|npm) echo "need: Node.js 20+ with npm builds the web app: sudo apt-get install nodejs npm" >&2 ;;
    *) echo "need: $tool is not installed" >&2 ;;
    esac
done
exit $missing
