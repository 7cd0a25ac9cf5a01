#!/usr/bin/env bash
# WebDAV: Stratus `/dav` next to Apache mod_dav (and nginx for the large GET), same machine,
# same run, everything on 127.0.0.1.
#
#   1. PROPFIND Depth 1 (allprop) on a folder of N entries (default 10,000): median of RUNS
#      requests with curl, Stratus and Apache on the same entries (empty files); Stratus's
#      resident memory before and its peak (VmHWM) after, to show the listing streams.
#   2. GET of a 1 GiB file: Stratus (local storage, streamed by the server) against nginx
#      serving the same bytes as a static file; median of 3 downloads with curl.
#   3. PUTS PUTs of 4 KiB at concurrency CONC (defaults 2,000 and 16) over keep-alive
#      connections, Stratus against Apache; after a warm-up batch of 400 each, the median
#      wall time of three batches, the two servers taking turns.
#   4. GETs of the files those PUTs stored, each file once per batch (distinct files, none of
#      them hot in the server), same count, concurrency and turns.
#   For 3 and 4, each server's CPU time per request (every thread, and for Apache every
#   worker process; with DB=postgres, Stratus's figure includes PostgreSQL's) is read from
#   /proc around each batch (bench/dav_small.py): a figure that other load on the machine
#   hardly changes, unlike the rates.
#
# DB=postgres runs Stratus on a throwaway PostgreSQL cluster (fsync off, as the tests run it)
# instead of SQLite. BASE_BIN=path/to/stratus adds a second Stratus (an earlier build, on a
# database of its own) to the turns of 3 and 4, to compare a change against the code before
# it in the same run. SMALL_ONLY=1 skips 1 and 2. PERF_OUT=/tmp/p adds a `perf record` profile
# of Stratus during its first measured PUT and GET batches (/tmp/p.put.data, /tmp/p.get.data).
#
# GUARD=1 measures only Stratus, with the guard against mass deletion on and then off (its
# threshold out of reach, so nothing trips): CPU time per request of small PUTs of new files,
# PUTs over them (overwrites, which the guard counts) and DELETEs, three turns each, and the
# ratio on/off. `STRATUS_BIN=$CARGO_TARGET_DIR/debug/stratus GUARD=1 bash bench/webdav.sh`
# runs it on a debug build.
#
# Both WebDAV servers check HTTP Basic on every request (Apache with a SHA-1 htpasswd entry,
# the cheapest it offers on Linux).
#
#   bash bench/webdav.sh
#   N=20000 RUNS=9 bash bench/webdav.sh
#   DB=postgres SMALL_ONLY=1 BASE_BIN=/tmp/stratus-before bash bench/webdav.sh
#
# Needs (installed with apt-get when missing): apache2, nginx, sqlite3, curl, jq. Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-10000}
RUNS=${RUNS:-7}
PUTS=${PUTS:-2000}
CONC=${CONC:-16}
GET_MIB=${GET_MIB:-1024}
DB_KIND=${DB:-sqlite}
SMALL_ONLY=${SMALL_ONLY:-0}
BASE_BIN=${BASE_BIN:-}
source bench/lib.sh
KILL_ON_EXIT+=(APACHE_PID NGINX_PID BASE_PID)
GUARD=${GUARD:-0}
[[ $SMALL_ONLY == 1 || $GUARD == 1 ]] && N=1

if [[ $GUARD != 1 ]]; then
    need apache2 apache2
    need htpasswd apache2-utils
    need nginx nginx
fi
need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus
trap 'echo "webdav.sh failed at line $LINENO" >&2' ERR

# ---- Stratus ---------------------------------------------------------------------------------
DB_ARGS=()
if [[ $DB_KIND == postgres ]]; then
    start_postgres
    DB_ARGS=(--database-url "$PG_URL")
fi
SPORT=$(free_port)
"$BIN" --data-dir "$WORK/data" "${DB_ARGS[@]}" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
start_stratus "$SPORT" "${DB_ARGS[@]}"
TOKEN=$(sign_in)
dav_setup
SDAV=$DAV
SPW=$DAVPW
# What Stratus's CPU figure counts: the server, and PostgreSQL's processes when it runs on one.
S_PIDS=("$STRATUS_PID")
[[ $DB_KIND == postgres ]] && S_PIDS+=("$(head -1 "$WORK/pg/data/postmaster.pid")")

# ---- GUARD=1: the guard on and off, Stratus alone -------------------------------------------------
if [[ $GUARD == 1 ]]; then
    guard() {
        curl -fs -X PATCH -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
            -d "{\"settings\":{\"guard_enabled\":\"$1\",\"guard_burst_files\":\"1000000\"}}" \
            "$API/admin/settings" | jq -e '.code == 0' >/dev/null
    }
    declare -A GUARD_RESULTS
    for run in warm 1 2 3; do
        for on in 1 0; do
            guard "$on"
            for step in put over delete; do
                method=$step
                [[ $step == over ]] && method=put
                out=$(python3 bench/dav_small.py "$method" "$SDAV" "g$on-$run" "$PUTS" "$CONC" \
                    "$EMAIL" "$SPW" "${S_PIDS[@]}")
                [[ $run != warm ]] && GUARD_RESULTS[$step$on]+="$out;"
            done
        done
    done
    echo "machine: $(nproc) cores, $(uname -r), $(date -u +%F), ${STRATUS_BIN:+given build }$DB_KIND; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    python3 - "$PUTS" "$CONC" "${GUARD_RESULTS[put1]}" "${GUARD_RESULTS[put0]}" \
        "${GUARD_RESULTS[over1]}" "${GUARD_RESULTS[over0]}" \
        "${GUARD_RESULTS[delete1]}" "${GUARD_RESULTS[delete0]}" <<'PY'
import statistics, sys
count, conc = int(sys.argv[1]), int(sys.argv[2])
def cpu(arg):
    return statistics.median(float(b.split()[1]) for b in arg.split(";") if b)
def rate(arg):
    return statistics.median(count / float(b.split()[0]) for b in arg.split(";") if b)
names = {"put": "PUTs of new 4 KiB files", "over": "PUTs over them", "delete": "DELETEs"}
for i, step in enumerate(("put", "over", "delete")):
    on, off = sys.argv[3 + 2 * i], sys.argv[4 + 2 * i]
    print(f"{count:,} {names[step]}, {conc} connections: guard on {cpu(on):.0f} us CPU/req "
          f"({rate(on):.0f} req/s), off {cpu(off):.0f} us CPU/req ({rate(off):.0f} req/s); "
          f"CPU ratio on/off {cpu(on) / cpu(off):.3f}")
PY
    exit 0
fi

# ---- the earlier build (BASE_BIN), on a database of its own -------------------------------------
if [[ -n $BASE_BIN ]]; then
    B_ARGS=()
    if [[ $DB_KIND == postgres ]]; then
        psql -q -X "$PG_URL" -c 'CREATE DATABASE base' >/dev/null
        B_ARGS=(--database-url "${PG_URL%/*}/base")
    fi
    "$BASE_BIN" --data-dir "$WORK/base" "${B_ARGS[@]}" create-admin --email "$EMAIL" \
        --password "$PASSWORD" >/dev/null
    BPORT=$(free_port)
    "$BASE_BIN" --data-dir "$WORK/base" "${B_ARGS[@]}" --listen "127.0.0.1:$BPORT" serve \
        >"$WORK/base.log" 2>&1 &
    BASE_PID=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$BPORT/healthz" >/dev/null && break; sleep 0.1; done
    S_API=$API
    API="http://127.0.0.1:$BPORT/api/v4"
    TOKEN=$(sign_in)
    dav_account
    curl -fs -u "$EMAIL:$DAVPW" -X MKCOL "$DAV/puts" >/dev/null
    BDAV=$DAV
    BPW=$DAVPW
    API=$S_API
    B_PIDS=("$BASE_PID")
    [[ $DB_KIND == postgres ]] && B_PIDS+=("$(head -1 "$WORK/pg/data/postmaster.pid")")
    DAVPW=$SPW
fi

# ---- Apache mod_dav ----------------------------------------------------------------------------
A="$WORK/apache"
mkdir -p "$A/root/Big" "$A/root/puts"
python3 - "$A/root/Big" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    open(os.path.join(d, f"item-{i:07d}"), "wb").close()
PY
start_apache_dav "$A" "$DAVPW"

# ---- nginx ---------------------------------------------------------------------------------------
if [[ $SMALL_ONLY != 1 ]]; then
    NPORT=$(free_port)
    mkdir -p "$WORK/static"
    head -c "$((GET_MIB << 20))" /dev/urandom >"$WORK/static/big.bin"
    chmod 644 "$WORK/static/big.bin"
    cat >"$WORK/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events {}
http {
    access_log off;
    sendfile on;
    server { listen 127.0.0.1:$NPORT; root $WORK/static; }
}
EOF
    nginx -c "$WORK/nginx.conf" &
    NGINX_PID=$!
    for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$NPORT/big.bin" -r 0-0 && break; sleep 0.1; done
    curl -fs -u "$EMAIL:$DAVPW" -T "$WORK/static/big.bin" "$SDAV/big.bin" >/dev/null
fi

# ---- measurements ----------------------------------------------------------------------------
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$STRATUS_PID/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$STRATUS_PID/status"; }

propfind_time() { # url → seconds, after checking the answer lists N+1 responses
    local count
    count=$(curl -fs -u "$EMAIL:$DAVPW" -X PROPFIND -H 'Depth: 1' "$1" | grep -o '<[A-Za-z]*:response[ >]' | wc -l)
    [[ "$count" -eq $((N + 1)) ]] || { echo "PROPFIND $1 listed $count responses, expected $((N + 1))" >&2; exit 1; }
    for _ in $(seq "$RUNS"); do
        curl -fs -o /dev/null -w '%{time_total}\n' -u "$EMAIL:$DAVPW" -X PROPFIND -H 'Depth: 1' "$1"
    done | median
}

get_time() { # url [curl auth args] → seconds
    local url=$1
    shift
    curl -fs -o /dev/null "$@" "$url"
    for _ in 1 2 3; do curl -fs -o /dev/null -w '%{time_total}\n' "$@" "$url"; done | median
}

# small put|get S|B|A PREFIX COUNT → "seconds cpu_us_per_request" of Stratus, the earlier
# build or Apache.
small() {
    local url pw pids
    case $2 in
        S) url=$SDAV pw=$SPW pids=("${S_PIDS[@]}") ;;
        B) url=$BDAV pw=$BPW pids=("${B_PIDS[@]}") ;;
        A) url=$ADAV pw=$SPW pids=("$APACHE_PID") ;;
    esac
    # PERF_OUT=prefix: a CPU profile of Stratus during its first measured batch of each kind,
    # written to prefix.put.data and prefix.get.data (read with `perf report -i`).
    local perf=""
    if [[ -n ${PERF_OUT:-} && $2 == S && $3 == run1 ]]; then
        perf record -q -F 2999 -g -p "$STRATUS_PID" -o "$PERF_OUT.$1.data" >/dev/null 2>&1 &
        perf=$!
        sleep 0.5
    fi
    python3 bench/dav_small.py "$1" "$url" "$3" "$4" "$CONC" "$EMAIL" "$pw" "${pids[@]}"
    if [[ -n $perf ]]; then
        kill -INT "$perf"
        wait "$perf" || true
    fi
}

if [[ $SMALL_ONLY != 1 ]]; then
    RSS_BEFORE=$(rss_kib)
    S_PROP=$(propfind_time "$SDAV/Big/")
    HWM_AFTER=$(hwm_kib)
    A_PROP=$(propfind_time "$ADAV/Big/")
    S_GET=$(get_time "$SDAV/big.bin" -u "$EMAIL:$DAVPW")
    N_GET=$(get_time "http://127.0.0.1:$NPORT/big.bin")
    rm -f "$WORK/static/big.bin"
fi
SERVERS=(S A)
[[ -n $BASE_BIN ]] && SERVERS=(S B A)
# The servers warm up first (Apache's first batch ran at half its later speed here), then
# take turns; per server the median of three batches.
declare -A RESULTS
for server in "${SERVERS[@]}"; do
    small put "$server" warm 400 >/dev/null
    small get "$server" warm 400 >/dev/null
done
for method in put get; do
    for run in 1 2 3; do
        for server in "${SERVERS[@]}"; do
            RESULTS[$method$server]+="$(small "$method" "$server" "run$run" "$PUTS");"
        done
    done
done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(date -u +%F), release build, $DB_KIND; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $SMALL_ONLY != 1 ]]; then
    python3 - "$N" "$S_PROP" "$A_PROP" "$GET_MIB" "$S_GET" "$N_GET" "$RSS_BEFORE" "$HWM_AFTER" <<'PY'
import sys
n, sp, ap, mib, sg, ng, rss, hwm = sys.argv[1:]
sp, ap, sg, ng = map(float, (sp, ap, sg, ng))
print(f"PROPFIND Depth 1, {int(n):,} entries: Stratus {sp*1000:.0f} ms, Apache mod_dav {ap*1000:.0f} ms, speed-up {ap/sp:.2f}x")
print(f"  Stratus RSS before {int(rss)/1024:.0f} MiB, peak after {int(hwm)/1024:.0f} MiB")
print(f"GET {mib} MiB: Stratus {int(mib)/sg:.0f} MiB/s, nginx {int(mib)/ng:.0f} MiB/s, ratio {ng/sg:.2f}")
PY
fi
python3 - "$PUTS" "$CONC" "${RESULTS[putS]}" "${RESULTS[putA]}" "${RESULTS[putB]:-}" \
    "${RESULTS[getS]}" "${RESULTS[getA]}" "${RESULTS[getB]:-}" <<'PY'
import statistics, sys
count, conc = int(sys.argv[1]), int(sys.argv[2])
def batches(arg):
    return [tuple(map(float, b.split())) for b in arg.split(";") if b]
def rate(bs):
    return statistics.median(count / t for t, _ in bs)
def cpu(bs):
    return statistics.median(c for _, c in bs)
def rates(bs):
    return "/".join(f"{count / t:.0f}" for t, _ in bs)
def show(what, s, a, b):
    s, a, b = batches(s), batches(a), batches(b)
    line = (f"{count:,} {what} of 4 KiB, {conc} connections: Stratus {rate(s):.0f} req/s "
            f"({rates(s)}), {cpu(s):.0f} us CPU/req; Apache mod_dav {rate(a):.0f} req/s "
            f"({rates(a)}), {cpu(a):.0f} us CPU/req; ratio {rate(s) / rate(a):.2f}")
    if b:
        line += (f"; the earlier build {rate(b):.0f} req/s ({rates(b)}), {cpu(b):.0f} us "
                 f"CPU/req, ratio {rate(s) / rate(b):.2f}")
    print(line)
show("PUTs", *sys.argv[3:6])
show("GETs of distinct files", *sys.argv[6:9])
PY
