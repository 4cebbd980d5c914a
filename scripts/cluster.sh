#!/usr/bin/env bash
# make run-cluster: the docker-compose topology without containers. Two
# `custos serve` processes on one PostgreSQL (scripts/devdb.sh) and HAProxy
# (Debian's package) in front of them, round robin with no sticky sessions.
#
#   CUSTOS_CLUSTER_ADDR   the balancer's address (default 127.0.0.1:8080)
#   CUSTOS_REPLICA_PORTS  the replicas' ports on 127.0.0.1 (default "8081 8082")
#   DATABASE_URL          use this database instead of a local cluster
set -euo pipefail
bin=${1:-bin/custos}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ ! -x "$haproxy" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's haproxy for the load balancer"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 haproxy >/dev/null
        haproxy=/usr/sbin/haproxy
    else
        echo "need: HAProxy for the load balancer: sudo apt-get install haproxy" >&2
        exit 1
    fi
fi

work="$root/.local/cluster-run"
mkdir -p "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ -n "${own_db:-}" ]; then scripts/devdb.sh stop run; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
    # The same local cluster as make run: its demo data and memos carry over.
    DATABASE_URL=$(scripts/devdb.sh start run)
    export DATABASE_URL
    own_db=1
    echo "Using a local PostgreSQL cluster (scripts/devdb.sh); its data is kept between runs"
fi
export CUSTOS_LOG_FORMAT=${CUSTOS_LOG_FORMAT:-text}
export CUSTOS_SIGNING_CERT=${CUSTOS_SIGNING_CERT:-$root/.local/signing/memo-signing.crt}
export CUSTOS_SIGNING_KEY=${CUSTOS_SIGNING_KEY:-$root/.local/signing/memo-signing.key}
lb=${CUSTOS_CLUSTER_ADDR:-127.0.0.1:8080}
read -r -a ports <<<"${CUSTOS_REPLICA_PORTS:-8081 8082}"

"$bin" migrate
echo
"$bin" seed
echo

# ready ADDR PID: wait until the server answers /readyz, or say why not.
ready() {
    local i
    for i in $(seq 1 300); do
        CUSTOS_ADDR=$1 "$bin" healthcheck >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    echo "cluster: the replica at $1 did not become ready; its log:" >&2
    tail -30 "$work/replica-$1.log" >&2
    exit 1
}

# The replicas. Only the first may make the development signing key, and the
# second starts once the first is ready, so both sign with the same key.
servers=
n=0
for port in "${ports[@]}"; do
    n=$((n + 1))
    addr=127.0.0.1:$port
    generate=false
    [ "$n" = 1 ] && generate=${CUSTOS_SIGNING_GENERATE:-true}
    # Each replica's metrics on a port of its own: the API port plus 1000.
    CUSTOS_ADDR=$addr CUSTOS_METRICS_ADDR=127.0.0.1:$((port + 1000)) CUSTOS_SIGNING_GENERATE=$generate \
        "$bin" serve >"$work/replica-$addr.log" 2>&1 &
    pids+=($!)
    ready "$addr" $!
    servers+="    server replica$n $addr check inter 1s fall 2 rise 1"$'\n'
done

cat >"$work/haproxy.cfg" <<CFG
# Written by scripts/cluster.sh; deploy/haproxy.cfg is the one for containers.
global
    log stderr format raw local0 info
defaults
    mode http
    log global
    option httplog
    option forwardfor
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    retries 2
    option redispatch 1
    http-reuse never
frontend custos
    bind $lb
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    timeout check 5s
$servers
CFG
"$haproxy" -c -q -f "$work/haproxy.cfg"
"$haproxy" -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
ready "$lb" $!

echo "Custos cluster: ${#ports[@]} replicas behind HAProxy (round robin, no sticky sessions)."
echo "  Balancer:  http://$lb   <- open this, and sign in with a demo login above"
n=0
for port in "${ports[@]}"; do
    n=$((n + 1))
    echo "  Replica $n: http://127.0.0.1:$port  metrics http://127.0.0.1:$((port + 1000))/metrics  (log: $work/replica-127.0.0.1:$port.log)"
done
echo "  HAProxy log: $work/haproxy.log"
echo "  (Ctrl-C stops them all)"
wait -n "${pids[@]}" || true
echo "cluster: a process stopped; stopping the rest" >&2
