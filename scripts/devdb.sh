#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for `make run` and `make test`, built from the
# installed server binaries. It listens only on a Unix socket in a folder that
# only its owner can enter, so it needs no port and no password.
#
#   scripts/devdb.sh start NAME   start (initdb on first use) and print DATABASE_URL
#   scripts/devdb.sh stop NAME    stop it
#
# The cluster lives in .local/NAME of the checkout (git ignores .local). When
# this script runs as root, the server runs as the `postgres` OS user, which
# PostgreSQL requires; if that user cannot reach the checkout, the cluster goes
# to a folder under /tmp instead.
set -euo pipefail

cmd=${1:?usage: devdb.sh start|stop NAME}
name=${2:?usage: devdb.sh start|stop NAME}
root=$(cd "$(dirname "$0")/.." && pwd)

say() { printf 'devdb: %s\n' "$*" >&2; }

find_bin() {
    local b=$1 d
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return; fi
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/$b" ] && { echo "$d/$b"; return; }
    done
    return 1
}

initdb=$(find_bin initdb) && pg_ctl=$(find_bin pg_ctl) || {
    say "the PostgreSQL server binaries (initdb, pg_ctl) are not installed."
    say "install them with:  sudo apt-get install postgresql"
    say "or point DATABASE_URL at a PostgreSQL 15+ server you already run."
    exit 1
}

as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || {
        say "running as root, but there is no 'postgres' OS user to run the server as."
        say "install the server package (sudo apt-get install postgresql) or run as a normal user."
        exit 1
    }
    # cd / first: the postgres user may not be allowed into the current folder.
    as_owner() { (cd / && runuser -u postgres -- "$@"); }
fi

# Where the cluster lives: .local/NAME in the checkout, or /tmp when the
# server's OS user cannot reach the checkout or the socket path would be too
# long for a Unix socket (about 100 bytes).
base="$root/.local/$name"
pointer="$root/.local/$name.path"
if [ -f "$pointer" ]; then base=$(cat "$pointer"); fi
if [ ! -d "$base/data" ]; then
    mkdir -p "$root/.local"
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$base" && chown postgres "$base" && chmod 700 "$base"
        if ! runuser -u postgres -- test -w "$base" || [ ${#base} -gt 80 ]; then
            rm -rf "$base"
            base=$(mktemp -d /tmp/custos-pg.XXXXXX) && chown postgres "$base" && chmod 700 "$base"
        fi
    else
        mkdir -p "$base" && chmod 700 "$base"
        if [ ${#base} -gt 80 ]; then rm -rf "$base"; base=$(mktemp -d /tmp/custos-pg.XXXXXX); fi
    fi
    echo "$base" >"$pointer"
fi
data="$base/data"
url="postgres://postgres@/postgres?host=$base&sslmode=disable"

case "$cmd" in
start)
    if [ ! -f "$data/PG_VERSION" ]; then
        say "creating a PostgreSQL cluster in $data"
        as_owner "$initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 || {
            say "initdb failed; see $base/initdb.log"; exit 1; }
    fi
    if ! as_owner "$pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$pg_ctl" -D "$data" -l "$base/server.log" -w -t 30 \
            -o "-c listen_addresses='' -k $base -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null || { say "the server did not start; see $base/server.log"; exit 1; }
    fi
    echo "$url"
    ;;
stop)
    if [ -f "$data/PG_VERSION" ] && as_owner "$pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    say "unknown command $cmd"; exit 2 ;;
esac
