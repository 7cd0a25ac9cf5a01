#!/usr/bin/env bash
# Listing one very large folder: does a late page cost what the first one does?
#
# Starts a release build of `stratus` on loopback with a fresh SQLite data dir, creates a user,
# puts N entries (default 100,000: 1,000 folders then files) into one folder with one SQL
# statement through the `sqlite3` CLI, signs in and times `GET /api/v4/file` for the first,
# a middle and a late page of 100 items, reached by following `next_page_token` (cursor
# pagination). For comparison the same pages are then timed with offset pagination
# (`use_cursor_pagination` off, `?page=`). Each figure is the median of RUNS requests made
# with curl (`%{time_total}`, seconds) after one warm-up request.
#
#   bash bench/list_folder.sh
#   N=20000 RUNS=9 bash bench/list_folder.sh
#
# Needs: sqlite3, curl, jq (installed with apt-get when missing). Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-100000}
FOLDERS=${FOLDERS:-1000}
PAGE_SIZE=${PAGE_SIZE:-100}
RUNS=${RUNS:-7}
source bench/lib.sh

need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus

PORT=$(free_port)
DB="$WORK/data/stratus.db"
"$BIN" --data-dir "$WORK/data" create-user --email "$EMAIL" --password "$PASSWORD" >/dev/null
start_stratus "$PORT"
TOKEN=$(sign_in)
AUTH="Authorization: Bearer $TOKEN"
curl -fs -H "$AUTH" -H 'content-type: application/json' \
    -d '{"uri":"cloudreve://my/Big","type":"folder"}' "$API/file/create" | jq -e '.code == 0' >/dev/null

# N rows in one statement, timestamps in the format the server writes (RFC 3339, +00:00).
START=$(date +%s.%N)
sqlite3 "$DB" <<SQL
.timeout 30000
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
big AS (SELECT id, owner_id FROM files WHERE name = 'Big' AND parent_id IS NOT NULL)
INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
SELECT strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + (i * 7) % 86400, 'unixepoch') || '+00:00',
       strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + (i * 13) % 86400, 'unixepoch') || '+00:00',
       CASE WHEN i <= $FOLDERS THEN 1 ELSE 0 END,
       printf('item-%07d', i),
       big.owner_id, (i * 7919) % 1000003, big.id, 0
FROM n, big;
SQL
INSERT_SECS=$(python3 -c "import time; print(f'{time.time() - $START:.1f}')")
COUNT=$(sqlite3 "$DB" "SELECT COUNT(*) FROM files f JOIN files p ON f.parent_id = p.id WHERE p.name = 'Big'")

list_url() { # uri-encoded query string → URL
    echo "$API/file?uri=cloudreve%3A%2F%2Fmy%2FBig&page_size=$PAGE_SIZE$1"
}

# Median of RUNS timed requests (after one warm-up), in milliseconds.
time_ms() {
    local url=$1 t
    curl -fs -o /dev/null -H "$AUTH" "$url"
    for _ in $(seq "$RUNS"); do
        curl -fs -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$url"
    done | sort -n | awk -v r="$RUNS" '{a[NR]=$1} END {printf "%.2f", a[int((r + 1) / 2)] * 1000}'
}

PAGES=$(((COUNT + PAGE_SIZE - 1) / PAGE_SIZE))
MIDDLE=$((PAGES / 2))
LATE=$((PAGES - 1))

# Walk every page once with next_page_token, keeping the tokens of the pages to time.
declare -A TOKENS
ORDER=${ORDER:-"&order_by=name&order_direction=asc"}
token=""
page=0
WALK_START=$(date +%s.%N)
while :; do
    if [[ -n "$token" ]]; then
        url="$(list_url "$ORDER")&next_page_token=$token"
    else
        url="$(list_url "$ORDER")"
    fi
    (( page == MIDDLE || page == LATE )) && TOKENS[$page]=$token
    token=$(curl -fs -H "$AUTH" "$url" | jq -r '.data.pagination.next_token // empty')
    page=$((page + 1))
    [[ -z "$token" ]] && break
done
WALK_SECS=$(python3 -c "import time; print(f'{time.time() - $WALK_START:.1f}')")

FIRST_MS=$(time_ms "$(list_url "$ORDER")")
MIDDLE_MS=$(time_ms "$(list_url "$ORDER")&next_page_token=${TOKENS[$MIDDLE]}")
LATE_MS=$(time_ms "$(list_url "$ORDER")&next_page_token=${TOKENS[$LATE]}")

# The same pages with offset pagination (settings are cached for up to 5 s).
sqlite3 "$DB" <<SQL
.timeout 30000
UPDATE settings SET value = '0' WHERE name = 'use_cursor_pagination';
SQL
sleep 6
OFF_FIRST_MS=$(time_ms "$(list_url "$ORDER")&page=0")
OFF_MIDDLE_MS=$(time_ms "$(list_url "$ORDER")&page=$MIDDLE")
OFF_LATE_MS=$(time_ms "$(list_url "$ORDER")&page=$LATE")

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), release build, SQLite"
echo "folder: $COUNT entries ($FOLDERS folders), inserted in ${INSERT_SECS}s; page size $PAGE_SIZE; $PAGES pages walked in ${WALK_SECS}s"
echo "order: ${ORDER#&}; median of $RUNS requests (curl time_total)"
echo "cursor  first page (1):          ${FIRST_MS} ms"
echo "cursor  middle page ($((MIDDLE + 1))):      ${MIDDLE_MS} ms"
echo "cursor  late page ($((LATE + 1))):        ${LATE_MS} ms"
echo "cursor  ratio late/first:        $(ratio "$LATE_MS" "$FIRST_MS")"
echo "offset  first page (page=0):     ${OFF_FIRST_MS} ms"
echo "offset  middle page (page=$MIDDLE): ${OFF_MIDDLE_MS} ms"
echo "offset  late page (page=$LATE):   ${OFF_LATE_MS} ms"
echo "offset  ratio late/first:        $(ratio "$OFF_LATE_MS" "$OFF_FIRST_MS")"
