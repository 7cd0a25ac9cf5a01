#!/usr/bin/env bash
# Moving big files: how close Stratus gets to the disk and to nginx, and what it costs in memory.
#
# On this machine, in one run, with a release build of `stratus` (SQLite, local storage) on
# loopback and a fresh data dir on the same disk as the references:
#
#   upload    1 GiB through the upload API in chunks of the policy's chunk size (25 MiB), one
#             after the other (CONC=3: three at a time, as the web UI sends them); and the same
#             file in one WebDAV PUT; against `dd` copying the same file to the same disk with
#             `conv=fsync` (Stratus makes every acknowledged chunk durable). dd, the API and
#             WebDAV take turns, RUNS times.
#   download  1 GiB through a signed `/file/content` URL; against nginx serving the same file
#             statically. Both with curl to /dev/null; best of RUNS.
#   memory    resident memory of the server, sampled every 50 ms, while a 4 GiB file is uploaded
#             and then downloaded; reported as the peak above idle.
#   copy      `POST /file/move {copy: true}` of the 1 GiB file and of a 1 KiB file; a copy links
#             the same blob, so both should take the same time.
#
#   bash bench/transfer.sh
#   SIZE_MIB=256 BIG_MIB=1024 RUNS=5 bash bench/transfer.sh
#   DB=postgres PARTS=upload bash bench/transfer.sh     # on a throwaway PostgreSQL cluster
#   STRATUS_BIN=path/to/stratus bash bench/transfer.sh  # no build
#
# PARTS picks the scenarios (default: upload download copy memory); DB is sqlite (default) or
# postgres.
#
# Needs: nginx, curl, jq (installed with apt-get when missing) and about 7 GiB free in $TMPDIR.
# Not part of CI.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB=${SIZE_MIB:-1024}
BIG_MIB=${BIG_MIB:-4096}
RUNS=${RUNS:-3}
CONC=${CONC:-1}
PARTS=${PARTS:-upload download copy memory}
DB_KIND=${DB:-sqlite}
source bench/lib.sh
KILL_ON_EXIT+=(SAMPLER_PID STRACE_PID)

need nginx nginx
need curl curl
need jq jq
# STRATUS_BIN: a binary built already (another build's, or one the sources moved past).
if [[ -n ${STRATUS_BIN:-} ]]; then
    BIN="$WORK/stratus"
    cp "$STRATUS_BIN" "$BIN"
else
    build_stratus
fi

now() { date +%s.%N; }
secs_since() { python3 -c "import time; print(f'{time.time() - $1:.3f}')"; }
mib_s() { python3 -c "print(f'{$1 / $2:.0f}')"; } # MiB, seconds → MiB/s
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
min_of() { if [[ -z "$1" ]]; then echo "$2"; else python3 -c "print(min($1, $2))"; fi; }

part() { [[ " $PARTS " == *" $1 "* ]]; }

SP=$(free_port)
NP=$(free_port)
DB_ARGS=()
if [[ $DB_KIND == postgres ]]; then
    start_postgres
    DB_ARGS=(--database-url "$PG_URL")
else
    need sqlite3 sqlite3
fi
"$BIN" --data-dir "$WORK/data" "${DB_ARGS[@]}" create-user --email "$EMAIL" --password "$PASSWORD" --group 1 >/dev/null
# Room for the 4 GiB file and the copies: lift the quota of every group.
run_sql "UPDATE groups SET max_storage = 1099511627776" >/dev/null
start_stratus "$SP" "${DB_ARGS[@]}"
TOKEN=$(sign_in)
dav_account
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
        local parallel=()
        ((CONC > 1)) && parallel=(-Z --no-progress-meter --parallel-max "$CONC")
        curl -sS "${parallel[@]}" -X POST -H "$AUTH" -H 'content-type: application/octet-stream' \
            "${args[@]}" | jq -se 'all(.code == 0)' >/dev/null || {
            echo "upload of $2 failed" >&2
            return 1
        }
    fi
    UPLOAD_SECS=$(secs_since "$t")
    rm -rf "$WORK/chunks"
}

# dav_put <local file> <name>: one WebDAV PUT of the whole file; sets DAV_SECS.
dav_put() {
    local t code
    t=$(now)
    code=$(curl -sS -o /dev/null -w '%{http_code}' -u "$EMAIL:$DAVPW" -T "$1" "$DAV/$2")
    DAV_SECS=$(secs_since "$t")
    [[ $code == 201 || $code == 204 ]] || { echo "WebDAV PUT of $2: $code" >&2; return 1; }
}

# forget <name>...: deletes files for good, so the disk holds one copy at most.
forget() {
    local uris
    uris=$(printf '"cloudreve://my/%s",' "$@")
    curl -fs -o /dev/null -X DELETE -H "$AUTH" -H 'content-type: application/json' \
        -d "{\"uris\":[${uris%,}],\"skip_soft_delete\":true}" "$API/file"
}

content_url() { # name → signed URL
    api POST /file/url "{\"uris\":[\"cloudreve://my/$1\"],\"download\":true}" | jq -er '.urls[0].url'
}

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$STRATUS_PID/status"; }

echo "database: $DB_KIND; $(uptime | sed 's/.*load average/load average/')"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), disk $(df -h "$WORK" | awk 'NR==2 {print $1}')"

# ---- files
head -c $((SIZE_MIB << 20)) /dev/urandom >"$WORK/src.bin"
head -c 1024 /dev/urandom >"$WORK/small.bin"
mkdir -p "$WORK/www"
# nginx workers run as nobody: let them into the temp dir.
chmod o+rx "$WORK" "$WORK/www"
sync

# ---- upload vs dd
if part upload; then
    DD_BEST=""
    UP_BEST=""
    DAV_BEST=""
    for run in $(seq "$RUNS"); do
        t=$(now)
        dd if="$WORK/src.bin" of="$WORK/dd-$run.bin" bs=25M conv=fsync status=none
        s=$(secs_since "$t")
        rm -f "$WORK/dd-$run.bin"
        DD_BEST=$(min_of "$DD_BEST" "$s")
        upload "$WORK/src.bin" "up-$run.bin"
        UP_BEST=$(min_of "$UP_BEST" "$UPLOAD_SECS")
        dav_put "$WORK/src.bin" "dav-$run.bin"
        DAV_BEST=$(min_of "$DAV_BEST" "$DAV_SECS")
        echo "  run $run: dd ${s}s, API ${UPLOAD_SECS}s, WebDAV ${DAV_SECS}s"
        forget "dav-$run.bin"
        # The first upload stays: the download below reads it.
        ((run == 1)) || forget "up-$run.bin"
    done
    echo "upload ${SIZE_MIB} MiB, API ($DB_KIND, $CONC chunk(s) at a time): stratus $(mib_s "$SIZE_MIB" "$UP_BEST") MiB/s (${UP_BEST}s), dd $(mib_s "$SIZE_MIB" "$DD_BEST") MiB/s (${DD_BEST}s), ratio $(ratio "$DD_BEST" "$UP_BEST")"
    echo "upload ${SIZE_MIB} MiB, WebDAV PUT ($DB_KIND): stratus $(mib_s "$SIZE_MIB" "$DAV_BEST") MiB/s (${DAV_BEST}s), dd $(mib_s "$SIZE_MIB" "$DD_BEST") MiB/s, ratio $(ratio "$DD_BEST" "$DAV_BEST")"
    if [[ -n ${STRACE:-} ]]; then
        # One more upload of each kind, untimed, with the server's system calls counted.
        need strace strace
        for kind in api dav; do
            strace -c -f -o "$WORK/strace-$kind.txt" -p "$STRATUS_PID" &
            STRACE_PID=$!
            sleep 1
            if [[ $kind == api ]]; then upload "$WORK/src.bin" traced.bin; else dav_put "$WORK/src.bin" traced-dav.bin; fi
            kill -INT "$STRACE_PID" && wait "$STRACE_PID" || true
            echo "system calls of the server during one ${SIZE_MIB} MiB upload ($kind):"
            head -n 25 "$WORK/strace-$kind.txt"
        done
        forget traced.bin traced-dav.bin
    fi
else
    upload "$WORK/src.bin" up-1.bin
fi

# ---- download vs nginx
if part download; then
    cp "$WORK/src.bin" "$WORK/www/src.bin"
    chmod o+r "$WORK/www/src.bin"
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
fi

# ---- copy: same time whatever the size
if part copy; then
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
fi

# ---- memory while a big file streams up and down
if part memory; then
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
fi

