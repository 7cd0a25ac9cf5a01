# Shared by the scripts of bench/ (source it from the repository root, after `set -euo pipefail`):
# tools installed when missing, a private copy of the release build, a work folder removed on
# exit, free ports, and a Stratus server on 127.0.0.1 with a signed-in user.
#
#   need CMD PKG          install PKG with apt-get when CMD is missing
#   build_stratus         release build, copied to $BIN inside $WORK ($STRATUS_BIN instead
#                         when set: a build made beforehand)
#   free_port             a free TCP port on 127.0.0.1
#   start_stratus PORT [OPTION...]
#                         `stratus serve` on PORT with $WORK/data and the global OPTIONs (such
#                         as --database-url), with the NAME=VALUE pairs of $STRATUS_ENV in its
#                         environment; sets STRATUS_PID and API
#   sign_in               an access token for $EMAIL / $PASSWORD
#   dav_account           a WebDAV account of the signed-in user (needs TOKEN): sets DAVPW and DAV
#   dav_setup             dav_account, and makes the folders Big, with N empty files, and puts
#                         (on $DB_KIND's database: sqlite, the default, or postgres)
#   start_postgres        a throwaway PostgreSQL cluster in $WORK on 127.0.0.1 (sets PG_URL;
#                         stopped on exit); stop_postgres stops it earlier
#   database_args         DB_ARGS, the server options for $DB_KIND (sqlite or postgres, whose
#                         cluster it starts); returns 1, saying so, when no initdb is found
#   stop_stratus          stops the server of start_stratus and waits for it
#   run_sql SQL           SQL on the current database ($DB_KIND: sqlite, in $WORK/data, or
#                         postgres, at $PG_URL)
#   make_media DIR        pic.png (1024 x 768), clip.mp4 (one second, 640 x 480) and doc.pdf
#                         (one page, bench/minimal_pdf.py) in DIR, for thumbnails (needs ffmpeg)
#   start_apache_dav DIR PASSWORD
#                         Apache mod_dav serving DIR/root at /dav on 127.0.0.1, HTTP Basic for
#                         $EMAIL / PASSWORD (a SHA-1 htpasswd entry), keep-alive; sets
#                         APACHE_PID (add it to KILL_ON_EXIT) and ADAV (needs apache2 and
#                         apache2-utils)
#   dav_puts URL PREFIX COUNT
#                         COUNT PUTs of 4 KiB into URL/puts at concurrency CONC over
#                         keep-alive connections; prints the seconds they took
#
# Processes whose PID variables are listed in KILL_ON_EXIT (STRATUS_PID always) are stopped on
# exit, as is anything with a `*.pid` file directly in $WORK, before $WORK is removed.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stratus-target}"
EMAIL=bench@example.com
PASSWORD=bench-password-1

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q "$2"; }; }

WORK=$(mktemp -d)
chmod 755 "$WORK"
KILL_ON_EXIT=(STRATUS_PID)

bench_cleanup() {
    local var pidfile
    for var in "${KILL_ON_EXIT[@]}"; do
        if [[ -n "${!var:-}" ]]; then kill "${!var}" 2>/dev/null || true; fi
    done
    for pidfile in "$WORK"/*.pid; do
        if [[ -f "$pidfile" ]]; then kill "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true; fi
    done
    sleep 0.3
    rm -rf "$WORK"
}
trap 'stop_postgres; bench_cleanup' EXIT

# The target dir may be shared with other checkouts: each run uses a private copy.
build_stratus() {
    BIN="$WORK/stratus"
    if [[ -n ${STRATUS_BIN:-} ]]; then
        cp "$STRATUS_BIN" "$BIN"
        return
    fi
    cargo build --release -q -p stratus-server --bin stratus
    cp "$CARGO_TARGET_DIR/release/stratus" "$BIN"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_stratus() {
    local port=$1
    shift
    # shellcheck disable=SC2086 # STRATUS_ENV is a list of NAME=VALUE words
    env ${STRATUS_ENV:-} "$BIN" --data-dir "$WORK/data" "$@" --listen "127.0.0.1:$port" serve \
        >"$WORK/stratus.log" 2>&1 &
    STRATUS_PID=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    API="http://127.0.0.1:$port/api/v4"
}

# Stratus with its S3 endpoint on a free port, an administrator signed in (TOKEN) and an S3 key
# for the whole drive: S_URL, S_AK, S_SK.
start_stratus_s3() {
    local sport s3port key
    sport=$(free_port)
    s3port=$(free_port)
    "$BIN" --data-dir "$WORK/data" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
    STRATUS_ENV="STRATUS_S3_LISTEN=127.0.0.1:$s3port" start_stratus "$sport"
    TOKEN=$(sign_in)
    key=$(curl -fs -X PUT -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
        -d '{"uri":"cloudreve://my","name":"bench"}' "$API/devices/s3")
    S_AK=$(jq -er '.data.access_key_id' <<<"$key")
    S_SK=$(jq -er '.data.secret_access_key' <<<"$key")
    S_URL="http://127.0.0.1:$s3port"
}

sign_in() {
    curl -fs -H 'content-type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$API/session/token" |
        jq -er '.data.token.access_token'
}

dav_account() {
    DAVPW=$(curl -fs -X PUT -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
        -d '{"uri":"cloudreve://my","name":"bench"}' "$API/devices/dav" | jq -er '.data.password')
    DAV="${API%/api/v4}/dav"
}

dav_setup() {
    dav_account
    curl -fs -u "$EMAIL:$DAVPW" -X MKCOL "$DAV/Big" >/dev/null
    curl -fs -u "$EMAIL:$DAVPW" -X MKCOL "$DAV/puts" >/dev/null
    if [[ ${DB_KIND:-sqlite} == sqlite ]]; then
        sqlite3 "$WORK/data/stratus.db" <<SQL
.timeout 30000
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
big AS (SELECT id, owner_id FROM files WHERE name = 'Big' AND parent_id IS NOT NULL)
INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
SELECT strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
       strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
       0, printf('item-%07d', i), big.owner_id, 0, big.id, 0
FROM n, big;
SQL
    else
        run_sql "INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
            SELECT to_timestamp(1700000000 + i), to_timestamp(1700000000 + i), 0,
                   'item-' || lpad(i::text, 7, '0'), big.owner_id, 0, big.id, false
            FROM generate_series(1, $N) AS i,
                 (SELECT id, owner_id FROM files WHERE name = 'Big' AND parent_id IS NOT NULL) AS big"
    fi
}

start_apache_dav() {
    local a=$1 pw=$2 port m
    port=$(free_port)
    m=/usr/lib/apache2/modules
    mkdir -p "$a/root" "$a/lock"
    htpasswd -cbs "$a/htpasswd" "$EMAIL" "$pw" 2>/dev/null
    chown -R www-data: "$a/root" "$a/lock"
    cat >"$a/httpd.conf" <<EOF
ServerRoot "$a"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$a/httpd.pid"
ErrorLog "$a/error.log"
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authn_core_module $m/mod_authn_core.so
LoadModule authn_file_module $m/mod_authn_file.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_user_module $m/mod_authz_user.so
LoadModule auth_basic_module $m/mod_auth_basic.so
LoadModule alias_module $m/mod_alias.so
LoadModule dav_module $m/mod_dav.so
LoadModule dav_fs_module $m/mod_dav_fs.so
User www-data
Group www-data
KeepAlive On
MaxKeepAliveRequests 0
DavLockDB "$a/lock/davlock"
Alias /dav "$a/root"
<Directory "$a/root">
    Dav On
    AuthType Basic
    AuthName "bench"
    AuthUserFile "$a/htpasswd"
    Require valid-user
</Directory>
EOF
    /usr/sbin/apache2 -f "$a/httpd.conf" -DFOREGROUND &
    APACHE_PID=$!
    ADAV="http://127.0.0.1:$port/dav"
    for _ in $(seq 100); do
        curl -fs -o /dev/null -u "$EMAIL:$pw" -X PROPFIND -H 'Depth: 0' "$ADAV/" && break
        sleep 0.1
    done
}

dav_puts() {
    python3 - "$1" "$EMAIL" "$DAVPW" "$3" "$CONC" "$2" <<'PY'
import base64, http.client, sys, threading, time, urllib.parse
base, email, pw, total, conc, prefix = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
u = urllib.parse.urlparse(base)
auth = "Basic " + base64.b64encode(f"{email}:{pw}".encode()).decode()
body = bytes(range(256)) * 16
errors = []
def worker(t):
    c = http.client.HTTPConnection(u.hostname, u.port)
    for i in range(t, total, conc):
        c.request("PUT", f"{u.path}/puts/{prefix}-{i:05d}.bin", body, {"Authorization": auth, "Content-Length": "4096"})
        r = c.getresponse(); r.read()
        if r.status not in (200, 201, 204):
            errors.append(r.status)
start = time.time()
threads = [threading.Thread(target=worker, args=(t,)) for t in range(conc)]
for th in threads: th.start()
for th in threads: th.join()
elapsed = time.time() - start
if errors:
    sys.exit(f"{len(errors)} PUTs failed, e.g. {errors[0]}")
print(f"{elapsed:.3f}")
PY
}

# A throwaway PostgreSQL cluster in $WORK (as the postgres user when running as root, since
# initdb refuses root); sets PG_URL.
start_postgres() {
    local bin as=() port
    bin=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | tail -1)")
    mkdir -p "$WORK/pg"
    if [[ $(id -u) == 0 ]]; then
        id -u postgres >/dev/null 2>&1 || useradd --system --user-group --shell /bin/sh postgres
        chown postgres: "$WORK/pg"
        as=(runuser -u postgres --)
    fi
    (cd "$WORK/pg" && "${as[@]}" "$bin/initdb" -D "$WORK/pg/data" -U postgres --auth=trust \
        --no-locale -E UTF8 --no-sync >"$WORK/pg/initdb.log" 2>&1)
    port=$(free_port)
    printf "listen_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = off\n" \
        "$WORK/pg" >>"$WORK/pg/data/postgresql.conf"
    (cd "$WORK/pg" && "${as[@]}" "$bin/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
        -o "-p $port" start >/dev/null)
    PG_STOP=("${as[@]}" "$bin/pg_ctl" -D "$WORK/pg/data" -m fast stop)
    PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

stop_postgres() {
    if [[ -n "${PG_STOP+x}" ]]; then (cd "$WORK/pg" && "${PG_STOP[@]}" >/dev/null) || true; fi
    unset PG_STOP
}

# The server options for $DB_KIND: none for sqlite; for postgres, a fresh cluster
# (start_postgres) named by --database-url. Sets DB_ARGS. Says so and returns 1 when
# PostgreSQL is asked for and no initdb is installed, for the caller to skip that database.
# shellcheck disable=SC2034 # DB_ARGS is read by the scripts that source this file
database_args() {
    DB_ARGS=()
    if [[ $DB_KIND == postgres ]]; then
        if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
            echo "postgres: no initdb found, skipped"
            return 1
        fi
        start_postgres
        DB_ARGS=(--database-url "$PG_URL")
    fi
}

# Stops the server start_stratus started and waits for it to exit.
stop_stratus() {
    kill "$STRATUS_PID"
    wait "$STRATUS_PID" 2>/dev/null || true
    unset STRATUS_PID
}

# SQL run on the current database.
run_sql() {
    if [[ $DB_KIND == sqlite ]]; then
        sqlite3 "$WORK/data/stratus.db" ".timeout 30000" "$1"
    else
        psql -q -X -t -A -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"
    fi
}

# The media of the thumbnail benches: a picture, a one-second video and a one-page PDF.
make_media() {
    mkdir -p "$1"
    ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=1024x768" -frames:v 1 \
        -y "$1/pic.png"
    ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=640x480:duration=1:rate=25" \
        -pix_fmt yuv420p -y "$1/clip.mp4"
    python3 bench/minimal_pdf.py "$1/doc.pdf" "Stratus thumbnails" 24
}
