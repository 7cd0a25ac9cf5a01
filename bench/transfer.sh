#!/usr/bin/env bash
# Moving big files: how close Stratus gets to the disk and to nginx, and what it costs in memory.
#
# On this machine, in one run, with a release build of `stratus` (SQLite, local storage) on
# loopback and a fresh data dir on the same disk as the references:
#
#   upload    1 GiB through the upload API in chunks of the policy's chunk size (25 MiB), one
#             after the other as the web client sends them; against `dd` copying the same file
#             to the same disk with `conv=fsync` (Stratus fsyncs before it reports completion).
#   download  1 GiB through a signed `/file/content` URL; against nginx serving the same file
#             statically. Both with curl to /dev/null; best of RUNS.
#   memory    resident memory of the server, sampled every 50 ms, while a 4 GiB file is uploaded
#             and then downloaded; reported as the peak above idle.
#   copy      `POST /file/move {copy: true}` of the 1 GiB file and of a 1 KiB file; a copy links
#             the same blob, so both should take the same time.
#
#   bash bench/transfer.sh
#   SIZE_MIB=256 BIG_MIB=1024 RUNS=5 bash bench/transfer.sh
#
# Needs: nginx, curl, jq (installed with apt-get when missing) and about 7 GiB free in $TMPDIR.
# Not part of CI.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB=${SIZE_MIB:-1024}
BIG_MIB=${BIG_MIB:-4096}
RUNS=${RUNS:-3}
source bench/lib.sh
KILL_ON_EXIT+=(SAMPLER_PID)

need nginx nginx
need curl curl
need jq jq
build_stratus

now() { date +%s.%N; }
secs_since() { python3 -c "import time; print(f'{time.time() - $1:.3f}')"; }
mib_s() { python3 -c "print(f'{$1 / $2:.0f}')"; } # MiB, seconds → MiB/s
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
min_of() { if [[ -z "$1" ]]; then echo "$2"; else python3 -c "print(min($1, $2))"; fi; }

SP=$(free_port)
NP=$(free_port)
"$BIN" --data-dir "$WORK/data" create-user --email "$EMAIL" --password "$PASSWORD" >/dev/null
# Room for the 4 GiB file and the copies: lift the quota of every group.
python3 - "$WORK/data/stratus.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE groups SET max_storage = 1 << 40")
db.commit()
PY
start_stratus "$SP"
TOKEN=$(sign_in)
AUTH="Authorization: Bearer $TOKEN"
POLICY=$(curl -fs -H "$AUTH" "$API/file?uri=cloudreve%3A%2F%2Fmy" | jq -er '.data.storage_policy.id')

api() { # method path json → envelope data (fails on a non-zero code)
    curl -fs -X "$1" -H "$AUTH" -H 'content-type: application/json' -d "$3" "$API$2" |
        jq -ec 'if .code == 0 then (.data // {}) else error(tostring) end'
}

# upload <local file> <name>: the whole protocol. The chunks are cut into files first (the
# split is not timed: a browser reads the chunks from the file the user picked, as dd reads
# its input), then sent one after the other over one keep-alive connection, as the web
# client sends them.
upload() {
    local size session sid chunk parts=() args=() i=0
    size=$(stat -c %s "$1")
    rm -rf "$WORK/chunks" && mkdir "$WORK/chunks"
    if ((size > 0)); then
        split -b 25M -d -a 4 "$1" "$WORK/chunks/part."
    fi
    mapfile -t parts < <(find "$WORK/chunks" -type f | sort)
    local t
    t=$(now)
    session=$(api PUT /file/upload "{\"uri\":\"cloudreve://my/$2\",\"size\":$size,\"policy_id\":\"$POLICY\"}")
    sid=$(jq -r .session_id <<<"$session")
    chunk=$(jq -r .chunk_size <<<"$session")
    ((chunk == 25 << 20)) || { echo "chunk size $chunk, expected 25 MiB" >&2; return 1; }
    for part in "${parts[@]}"; do
        args+=(-T "$part" "$API/file/upload/$sid/$i")
        i=$((i + 1))
    done
    if ((${#args[@]} > 0)); then
        curl -sS -X POST -H "$AUTH" -H 'content-type: application/octet-stream' "${args[@]}" |
            jq -se 'all(.code == 0)' >/dev/null || {
            echo "upload of $2 failed" >&2
            return 1
        }
    fi
    UPLOAD_SECS=$(secs_since "$t")
    rm -rf "$WORK/chunks"
}

content_url() { # name → signed URL
    api POST /file/url "{\"uris\":[\"cloudreve://my/$1\"],\"download\":true}" | jq -er '.urls[0].url'
}

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$STRATUS_PID/status"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), disk $(df -h "$WORK" | awk 'NR==2 {print $1}')"

# ---- files
head -c $((SIZE_MIB << 20)) /dev/urandom >"$WORK/src.bin"
head -c 1024 /dev/urandom >"$WORK/small.bin"
mkdir -p "$WORK/www"
# nginx workers run as nobody: let them into the temp dir.
chmod o+rx "$WORK" "$WORK/www"
cp "$WORK/src.bin" "$WORK/www/src.bin"
chmod o+r "$WORK/www/src.bin"
sync

# ---- upload vs dd
DD_BEST=""
UP_BEST=""
for run in $(seq "$RUNS"); do
    t=$(now)
    dd if="$WORK/src.bin" of="$WORK/dd-$run.bin" bs=25M conv=fsync status=none
    s=$(secs_since "$t")
    rm -f "$WORK/dd-$run.bin"
    DD_BEST=$(min_of "$DD_BEST" "$s")
    upload "$WORK/src.bin" "up-$run.bin"
    UP_BEST=$(min_of "$UP_BEST" "$UPLOAD_SECS")
done
echo "upload ${SIZE_MIB} MiB: stratus $(mib_s "$SIZE_MIB" "$UP_BEST") MiB/s (${UP_BEST}s), dd $(mib_s "$SIZE_MIB" "$DD_BEST") MiB/s (${DD_BEST}s), ratio $(ratio "$DD_BEST" "$UP_BEST")"

# ---- download vs nginx
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    server {
        listen 127.0.0.1:$NP;
        root $WORK/www;
    }
}
CONF
nginx -c "$WORK/nginx.conf"
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$NP/src.bin" -r 0-0 && break; sleep 0.1; done
URL=$(content_url up-1.bin)
best_get() { # url → best seconds of RUNS
    local best="" s
    for _ in $(seq "$RUNS"); do
        s=$(curl -fs -o /dev/null -w '%{time_total}' "$1")
        best=$(min_of "$best" "$s")
    done
    echo "$best"
}
NGINX_S=$(best_get "http://127.0.0.1:$NP/src.bin")
STRATUS_S=$(best_get "$URL")
echo "download ${SIZE_MIB} MiB: stratus $(mib_s "$SIZE_MIB" "$STRATUS_S") MiB/s, nginx $(mib_s "$SIZE_MIB" "$NGINX_S") MiB/s, ratio $(ratio "$NGINX_S" "$STRATUS_S")"

# ---- copy: same time whatever the size
upload "$WORK/small.bin" small.bin
copy_ms() { # name → milliseconds of one copy into a fresh folder, as curl timed the request
    local dst="copy-$RANDOM$RANDOM" out
    api POST /file/create "{\"uri\":\"cloudreve://my/$dst\",\"type\":\"folder\"}" >/dev/null
    out=$(curl -sS -X POST -H "$AUTH" -H 'content-type: application/json' -w '\n%{time_total}' \
        -d "{\"uris\":[\"cloudreve://my/$1\"],\"dst\":\"cloudreve://my/$dst\",\"copy\":true}" "$API/file/move")
    jq -e '.code == 0' >/dev/null <<<"$(head -n 1 <<<"$out")"
    python3 -c "print(f'{$(tail -n 1 <<<"$out") * 1000:.1f}')"
}
COPY_BIG=$(copy_ms up-1.bin)
COPY_SMALL=$(copy_ms small.bin)
echo "copy: ${SIZE_MIB} MiB file ${COPY_BIG} ms, 1 KiB file ${COPY_SMALL} ms"

# ---- memory while a big file streams up and down
rm -f "$WORK/src.bin" "$WORK/www/src.bin"
head -c $((BIG_MIB << 20)) /dev/zero >"$WORK/big.bin"
IDLE=$(rss_kib)
(
    peak=0
    while kill -0 "$STRATUS_PID" 2>/dev/null; do
        r=$(rss_kib)
        ((r > peak)) && peak=$r && echo "$peak" >"$WORK/peak"
        sleep 0.05
    done
) &
SAMPLER_PID=$!
upload "$WORK/big.bin" big.bin
rm -f "$WORK/big.bin"
curl -fs -o /dev/null "$(content_url big.bin)"
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
PEAK=$(cat "$WORK/peak")
echo "memory: idle $((IDLE / 1024)) MiB, peak while ${BIG_MIB} MiB went up and down $((PEAK / 1024)) MiB (+$(((PEAK - IDLE) / 1024)) MiB)"
