#!/usr/bin/env bash
# Kill any instance, nobody notices: three `stratus serve` instances on one PostgreSQL database,
# one data folder and one bucket (s3s-fs), behind nginx (round robin, no stickiness), under
# mixed clients (bench/chaos.py: listing, small writes, renames, shares, signed downloads,
# WebDAV PUT/GET/LOCK, chunked uploads to a local and a bucket policy, compress and extract
# tasks), while every KILL_EVERY seconds one instance is SIGKILLed and started again. The
# clients retry as Cloudreve's do (a failed chunk is sent again, a failed request retried once).
#
# At the end it checks: every upload complete and byte-identical, every task completed once,
# no 5xx but the killed instances' cut connections, no lock held past its timeout, no orphan
# blob or multipart upload; and prints throughput and p50/p99 latency per operation kind,
# before the first kill and with kills.
#
#   bash bench/chaos.sh                 # the CI run: 60 s, 20 clients, 5 x 8 MiB, a kill every 15 s
#   CHAOS=full bash bench/chaos.sh      # 5 minutes, 100 clients, 20 x 64 MiB, a kill every 30 s
#   CHAOS=full CHAOS_LOGS=/tmp/chaos-logs bash bench/chaos.sh   # keeps the logs of a failed run
#
# Uses the debug build CI already has ($STRATUS_BIN, else $CARGO_TARGET_DIR/debug/stratus,
# built when missing). Needs nginx, s3s-fs, PostgreSQL, curl, python3. Everything listens on
# 127.0.0.1 and lives in a temp folder removed on exit.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ${CHAOS:-short} == full ]]; then
    : "${DURATION:=300}" "${CLIENTS:=100}" "${USERS:=10}" "${UPLOADS:=20}" "${UPLOAD_MIB:=64}"
    : "${KILL_EVERY:=30}"
else
    : "${DURATION:=60}" "${CLIENTS:=20}" "${USERS:=4}" "${UPLOADS:=5}" "${UPLOAD_MIB:=8}"
    : "${KILL_EVERY:=15}"
fi
source bench/lib.sh

need nginx nginx
need curl curl
command -v s3s-fs >/dev/null || export PATH="${STRATUS_TOOLS_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/stratus-target}/tools}/bin:$PATH"
command -v s3s-fs >/dev/null || { echo "s3s-fs is missing (cargo install s3s-fs@0.14.1 --features binary)" >&2; exit 1; }

BIN=${STRATUS_BIN:-$CARGO_TARGET_DIR/debug/stratus}
[[ -x $BIN ]] || cargo build -q -p stratus-server --bin stratus
cp "$BIN" "$WORK/stratus"
BIN="$WORK/stratus"

start_postgres
sql() { psql -q -X -t -A -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"; }

# The bucket.
S3_PORT=$(free_port)
mkdir -p "$WORK/s3/chaos"
s3s-fs --host 127.0.0.1 --port "$S3_PORT" --access-key chaos-key --secret-key chaos-secret \
    "$WORK/s3" >"$WORK/s3s.log" 2>&1 &
echo $! >"$WORK/s3s.pid"

# The balancer, in front of three instance ports.
LB_PORT=$(free_port)
PORTS=("$(free_port)" "$(free_port)" "$(free_port)")
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    # '|' between fields: a request nginx passed to a second instance lists both ("a, b").
    log_format chaos '\$msec|\$status|\$upstream_addr|\$upstream_status|\$request_method|\$uri';
    access_log $WORK/nginx/access.log chaos;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    upstream stratus {
        server 127.0.0.1:${PORTS[0]} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:${PORTS[1]} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:${PORTS[2]} max_fails=1 fail_timeout=2s;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$LB_PORT;
        client_max_body_size 0;
        location / {
            proxy_pass http://stratus;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_request_buffering off;
            proxy_buffering off;
            proxy_read_timeout 120s;
        }
    }
}
EOF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"

# The database, the admin, the balancer's address for signed links, a bucket policy and a
# group storing on it; both policies take 5 MiB chunks.
"$BIN" --data-dir "$WORK/data" --database-url "$PG_URL" create-admin \
    --email "$EMAIL" --password "$PASSWORD" >/dev/null
sql "DELETE FROM settings WHERE name = 'siteURL';
     INSERT INTO settings (created_at, updated_at, name, value)
     VALUES (now(), now(), 'siteURL', 'http://127.0.0.1:$LB_PORT');
     UPDATE storage_policies SET settings = jsonb_set(settings::jsonb, '{chunk_size}', '5242880')
     WHERE id = 1;"
S3_POLICY=$(sql "INSERT INTO storage_policies (created_at, updated_at, name, type, server,
        bucket_name, is_private, access_key, secret_key, max_size, dir_name_rule,
        file_name_rule, settings)
     VALUES (now(), now(), 'Chaos bucket', 's3', 'http://127.0.0.1:$S3_PORT', 'chaos', true,
        'chaos-key', 'chaos-secret', 0, 'uploads/{uid}/{path}', '{uid}_{randomkey8}_{originname}',
        '{\"region\": \"us-east-1\", \"s3_path_style\": true, \"chunk_size\": 5242880}')
     RETURNING id;")
S3_GROUP=$(sql "INSERT INTO groups (created_at, updated_at, name, max_storage, speed_limit,
        permissions, settings, storage_policy_id)
     SELECT now(), now(), 'Chaos bucket', max_storage, speed_limit, permissions, settings, $S3_POLICY
     FROM groups WHERE id = 1 RETURNING id;")

# CHAOS_LOGS=DIR keeps the instances', the bucket's and the balancer's logs of a failed run.
keep_logs() {
    [[ -n ${CHAOS_LOGS:-} ]] || return 0
    mkdir -p "$CHAOS_LOGS"
    cp "$WORK"/stratus-*.log "$WORK/s3s.log" "$WORK/nginx/access.log" "$WORK/nginx/error.log" \
        "$CHAOS_LOGS/" 2>/dev/null || true
    echo "logs kept in $CHAOS_LOGS"
}
python3 -B bench/chaos.py \
    --work "$WORK" --bin "$BIN" --database-url "$PG_URL" --ports "${PORTS[@]}" \
    --balancer "http://127.0.0.1:$LB_PORT" --s3-root "$WORK/s3" --bucket chaos \
    --bucket-group "$S3_GROUP" --email "$EMAIL" --password "$PASSWORD" \
    --duration "$DURATION" --clients "$CLIENTS" --users "$USERS" --uploads "$UPLOADS" \
    --upload-mib "$UPLOAD_MIB" --kill-every "$KILL_EVERY" || { keep_logs; exit 1; }
