#!/usr/bin/env bash
# File event stream (`GET /file/events`): N idle subscribers on one instance, the server's
# resident memory per subscriber, and the delay from a write (an API rename) to its event
# beyond the debounce (1 s here), at p50/p99 over K renames, with the N subscribers open.
# SQLite on one instance, then PostgreSQL with the subscribers on one instance and the writes
# through another sharing the database.
#
#   bash bench/file_events.sh
#   N=2000 K=20 DATABASES=sqlite bash bench/file_events.sh
#   PROFILE=debug N=1000 bash bench/file_events.sh     # without the release build
#
# Needs (installed with apt-get when missing): curl, jq, python3; initdb for PostgreSQL.
# Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-10000}
K=${K:-30}
DATABASES=${DATABASES:-sqlite postgres}
source bench/lib.sh

need curl curl
need jq jq
ulimit -n "$((N * 2 + 1024))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [[ ${PROFILE:-release} == debug ]]; then
    # A quick look without the release build (larger futures, slower code).
    cargo build -q -p stratus-server --bin stratus
    BIN="$WORK/stratus"
    cp "$CARGO_TARGET_DIR/debug/stratus" "$BIN"
else
    build_stratus
fi
# Every subscriber comes from 127.0.0.1 and one account: lift the connection caps and the
# per-user stream cap for the run.
STRATUS_ENV="STRATUS_HTTP_MAX_CONNECTIONS=$((N + 512)) STRATUS_HTTP_MAX_CONNECTIONS_PER_ADDRESS=$((N + 512)) STRATUS_MAX_EVENT_STREAMS_PER_USER=0"

json() { curl -fs -H "$AUTH" -H 'content-type: application/json' "$@"; }

measure() {
    python3 - "$1" "$2" "$TOKEN" "$N" "$K" "$STRATUS_PID" <<'PY'
import asyncio, json, statistics, sys, time, urllib.parse, uuid, http.client
sub_api, write_api, token, n, k, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
u = urllib.parse.urlparse(sub_api)
folder = urllib.parse.quote("cloudreve://my/bench", safe="")

def rss_kib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

async def subscribe():
    r, w = await asyncio.open_connection(u.hostname, u.port)
    w.write((f"GET {u.path}/file/events?uri={folder} HTTP/1.1\r\nHost: x\r\n"
             f"Authorization: Bearer {token}\r\nX-Cr-Client-Id: {uuid.uuid4()}\r\n\r\n").encode())
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    assert b"text/event-stream" in head, head
    await r.readuntil(b"<nil>\n\n")
    return r, w

async def main():
    conns = [await subscribe() for _ in range(20)]
    await asyncio.sleep(1)
    base = rss_kib()
    for i in range(0, n - 20, 200):
        conns += await asyncio.gather(*[subscribe() for _ in range(min(200, n - 20 - i))])
    await asyncio.sleep(2)
    per = (rss_kib() - base) * 1024 / (n - 20)
    probe_r, _ = conns[0]
    wu = urllib.parse.urlparse(write_api)
    delays = []
    name = "f0.txt"
    for i in range(k):
        new = f"f{i + 1}.txt"
        c = http.client.HTTPConnection(wu.hostname, wu.port)
        c.request("POST", f"{wu.path}/file/rename",
                  json.dumps({"uri": f"cloudreve://my/bench/{name}", "new_name": new}),
                  {"Authorization": f"Bearer {token}", "content-type": "application/json"})
        assert json.loads(c.getresponse().read())["code"] == 0
        done = time.monotonic()
        while True:
            frame = await probe_r.readuntil(b"\n\n")
            if b"event:event" in frame:
                break
        delays.append(time.monotonic() - done - 1.0)
        name = new
    delays.sort()
    p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] * 1000
    print(f"{n} subscribers: RSS {per:.0f} bytes per subscriber; "
          f"write->event beyond the 1 s debounce over {k} renames: p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")

asyncio.run(main())
PY
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), ${PROFILE:-release} build"
for DB_KIND in $DATABASES; do
    rm -rf "$WORK/data"
    DB_ARGS=()
    if [[ $DB_KIND == postgres ]]; then
        if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
            echo "postgres: no initdb found, skipped"
            continue
        fi
        start_postgres
        DB_ARGS=(--database-url "$PG_URL")
    fi
    "$BIN" --data-dir "$WORK/data" "${DB_ARGS[@]}" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
    start_stratus "$(free_port)" "${DB_ARGS[@]}"
    SUB_API=$API
    TOKEN=$(sign_in)
    AUTH="Authorization: Bearer $TOKEN"
    json -X PATCH -d '{"settings":{"fs_event_push_debounce":"1"}}' "$API/admin/settings" | jq -e '.code == 0' >/dev/null
    json -d '{"uri":"cloudreve://my/bench/f0.txt","type":"file"}' "$API/file/create" | jq -e '.code == 0' >/dev/null
    WRITE_API=$SUB_API
    if [[ $DB_KIND == postgres ]]; then
        # A second instance on the same database takes the writes.
        FIRST_PID=$STRATUS_PID
        KILL_ON_EXIT+=(FIRST_PID)
        mv "$WORK/stratus.log" "$WORK/first.log"
        start_stratus "$(free_port)" "${DB_ARGS[@]}"
        WRITE_API=$API
        SECOND_PID=$STRATUS_PID
        KILL_ON_EXIT+=(SECOND_PID)
        STRATUS_PID=$FIRST_PID
    fi
    echo "$DB_KIND: $(measure "$SUB_API" "$WRITE_API")"
    kill "${SECOND_PID:-}" 2>/dev/null || true
    kill "$STRATUS_PID"
    wait "$STRATUS_PID" 2>/dev/null || true
    unset STRATUS_PID SECOND_PID FIRST_PID
    [[ $DB_KIND == postgres ]] && stop_postgres
done
