#!/usr/bin/env bash
# Request-path overhead: how many small JSON answers per second Stratus serves
# (`GET /api/v4/site/ping`: routing, caller resolution, envelope, metrics, log line) next to
# nginx serving the same bytes as a static file, on this machine, in one run.
# Also reports the idle resident memory of `stratus serve` before and after the load.
#
#   bash bench/api_overhead.sh            # 10 s per server, 16 connections, 2 threads
#   DURATION=30 CONNECTIONS=64 bash bench/api_overhead.sh
#
# Needs: nginx and wrk (installed with apt-get when missing), a release build of stratus.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
source bench/lib.sh

need nginx nginx
need wrk wrk
build_stratus

SP=$(free_port)
NP=$(free_port)
start_stratus "$SP"

# nginx serves exactly the bytes Stratus answers.
mkdir -p "$WORK/www"
curl -fs "http://127.0.0.1:$SP/api/v4/site/ping" >"$WORK/www/ping.json"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    default_type application/json;
    server {
        listen 127.0.0.1:$NP;
        root $WORK/www;
    }
}
CONF
nginx -c "$WORK/nginx.conf"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$NP/ping.json" >/dev/null && break; sleep 0.1; done

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$STRATUS_PID/status"; }
IDLE_RSS=$(rss_kib)

rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
# Every request still writes its log line (to a file here), as it does in production.
STRATUS_RPS=$(rps "http://127.0.0.1:$SP/api/v4/site/ping")
NGINX_RPS=$(rps "http://127.0.0.1:$NP/ping.json")
AFTER_RSS=$(rss_kib)

RATIO=$(python3 -c "print(f'{$STRATUS_RPS / $NGINX_RPS:.2f}')")
echo "cores: $(nproc), duration ${DURATION}s, ${CONNECTIONS} connections"
echo "stratus /api/v4/site/ping: ${STRATUS_RPS} req/s"
echo "nginx static ping.json:    ${NGINX_RPS} req/s"
echo "ratio stratus/nginx:       ${RATIO}"
echo "stratus RSS idle: $((IDLE_RSS / 1024)) MiB, after load: $((AFTER_RSS / 1024)) MiB"
