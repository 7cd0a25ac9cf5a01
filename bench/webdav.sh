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
#
# Both WebDAV servers check HTTP Basic on every request (Apache with a SHA-1 htpasswd entry,
# the cheapest it offers on Linux).
#
#   bash bench/webdav.sh
#   N=20000 RUNS=9 bash bench/webdav.sh
#
# Needs (installed with apt-get when missing): apache2, nginx, sqlite3, curl, jq. Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-10000}
RUNS=${RUNS:-7}
PUTS=${PUTS:-2000}
CONC=${CONC:-16}
GET_MIB=${GET_MIB:-1024}
source bench/lib.sh
KILL_ON_EXIT+=(APACHE_PID NGINX_PID)

need apache2 apache2
need htpasswd apache2-utils
need nginx nginx
need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus
trap 'echo "webdav.sh failed at line $LINENO" >&2' ERR

# ---- Stratus ---------------------------------------------------------------------------------
SPORT=$(free_port)
"$BIN" --data-dir "$WORK/data" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
start_stratus "$SPORT"
TOKEN=$(sign_in)
dav_setup
SDAV=$DAV

# ---- Apache mod_dav ----------------------------------------------------------------------------
APORT=$(free_port)
A="$WORK/apache"
mkdir -p "$A/root/Big" "$A/root/puts" "$A/lock"
python3 - "$A/root/Big" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    open(os.path.join(d, f"item-{i:07d}"), "wb").close()
PY
htpasswd -cbs "$A/htpasswd" "$EMAIL" "$DAVPW" 2>/dev/null
chown -R www-data: "$A/root" "$A/lock"
M=/usr/lib/apache2/modules
cat >"$A/httpd.conf" <<EOF
ServerRoot "$A"
ServerName 127.0.0.1
Listen 127.0.0.1:$APORT
PidFile "$A/httpd.pid"
ErrorLog "$A/error.log"
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authn_core_module $M/mod_authn_core.so
LoadModule authn_file_module $M/mod_authn_file.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule authz_user_module $M/mod_authz_user.so
LoadModule auth_basic_module $M/mod_auth_basic.so
LoadModule alias_module $M/mod_alias.so
LoadModule dav_module $M/mod_dav.so
LoadModule dav_fs_module $M/mod_dav_fs.so
User www-data
Group www-data
KeepAlive On
MaxKeepAliveRequests 0
DavLockDB "$A/lock/davlock"
Alias /dav "$A/root"
<Directory "$A/root">
    Dav On
    AuthType Basic
    AuthName "bench"
    AuthUserFile "$A/htpasswd"
    Require valid-user
</Directory>
EOF
/usr/sbin/apache2 -f "$A/httpd.conf" -DFOREGROUND &
APACHE_PID=$!
ADAV="http://127.0.0.1:$APORT/dav"
for _ in $(seq 100); do curl -fs -o /dev/null -u "$EMAIL:$DAVPW" -X PROPFIND -H 'Depth: 0' "$ADAV/" && break; sleep 0.1; done

# ---- nginx ---------------------------------------------------------------------------------------
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

RSS_BEFORE=$(rss_kib)
S_PROP=$(propfind_time "$SDAV/Big/")
HWM_AFTER=$(hwm_kib)
A_PROP=$(propfind_time "$ADAV/Big/")
S_GET=$(get_time "$SDAV/big.bin" -u "$EMAIL:$DAVPW")
N_GET=$(get_time "http://127.0.0.1:$NPORT/big.bin")
# Both servers warm up first (Apache's first batch ran at half its later speed here), then
# alternate; the median of three batches each.
dav_puts "$SDAV" warm 400 >/dev/null
dav_puts "$ADAV" warm 400 >/dev/null
S_PUTS=()
A_PUTS=()
for run in 1 2 3; do
    S_PUTS+=("$(dav_puts "$SDAV" "run$run" "$PUTS")")
    A_PUTS+=("$(dav_puts "$ADAV" "run$run" "$PUTS")")
done
S_PUT=$(printf '%s\n' "${S_PUTS[@]}" | median)
A_PUT=$(printf '%s\n' "${A_PUTS[@]}" | median)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(date -u +%F), release build, SQLite"
python3 - "$N" "$S_PROP" "$A_PROP" "$GET_MIB" "$S_GET" "$N_GET" "$PUTS" "$CONC" "$S_PUT" "$A_PUT" "$RSS_BEFORE" "$HWM_AFTER" <<'PY'
import sys
n, sp, ap, mib, sg, ng, puts, conc, su, au, rss, hwm = sys.argv[1:]
sp, ap, sg, ng, su, au = map(float, (sp, ap, sg, ng, su, au))
print(f"PROPFIND Depth 1, {int(n):,} entries: Stratus {sp*1000:.0f} ms, Apache mod_dav {ap*1000:.0f} ms, speed-up {ap/sp:.2f}x")
print(f"  Stratus RSS before {int(rss)/1024:.0f} MiB, peak after {int(hwm)/1024:.0f} MiB")
print(f"GET {mib} MiB: Stratus {int(mib)/sg:.0f} MiB/s, nginx {int(mib)/ng:.0f} MiB/s, ratio {ng/sg:.2f}")
print(f"{int(puts):,} PUTs of 4 KiB, {conc} connections: Stratus {int(puts)/su:.0f} req/s, Apache mod_dav {int(puts)/au:.0f} req/s, ratio {au/su:.2f}")
PY
