#!/usr/bin/env bash
# The admin file list on a big table: does page 5,000 cost what page 1 does, and what does
# the dashboard summary cost?
#
# For SQLite, then PostgreSQL (when `initdb` and `pg_ctl` are found), starts a release build
# of `stratus` on loopback with a fresh database, creates an administrator, puts N files
# (default 500,000) into one of their folders with one SQL statement, and times
# `POST /api/v4/admin/file` (AdminList, page size 100, ordered by id, with the total count)
# for page 1 and page N/100, and `GET /api/v4/admin/summary?generate=true`. Each figure is the
# median of RUNS requests made with curl (`%{time_total}`) after one warm-up request.
#
#   bash bench/admin_list.sh
#   N=100000 RUNS=9 DATABASES=sqlite bash bench/admin_list.sh
#
# Needs: sqlite3, curl, jq, and for PostgreSQL its server binaries and psql. Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-500000}
PAGE_SIZE=${PAGE_SIZE:-100}
RUNS=${RUNS:-7}
DATABASES=${DATABASES:-"sqlite postgres"}
source bench/lib.sh

need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus

LATE=$(((N + PAGE_SIZE - 1) / PAGE_SIZE))

# N files in the folder `Big` of the administrator, in one statement.
seed() {
    if [[ $DB_KIND == sqlite ]]; then
        run_sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
            big AS (SELECT id, owner_id FROM files WHERE name = 'Big' AND parent_id IS NOT NULL)
            INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
            SELECT strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i * 60, 'unixepoch') || '+00:00',
                   strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i * 60, 'unixepoch') || '+00:00',
                   0, printf('item-%07d', i), big.owner_id, (i * 7919) % 1000003, big.id, 0
            FROM n, big;"
    else
        run_sql "INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
            SELECT to_timestamp(1700000000 + i * 60), to_timestamp(1700000000 + i * 60), 0,
                   'item-' || lpad(i::text, 7, '0'), big.owner_id, (i * 7919) % 1000003, big.id, false
            FROM generate_series(1::bigint, $N) AS i,
                 (SELECT id, owner_id FROM files WHERE name = 'Big' AND parent_id IS NOT NULL) AS big;
            ANALYZE files;"
    fi
}

# Median of RUNS timed requests (after one warm-up), in milliseconds: curl ARGS...
time_ms() {
    curl -fs -o /dev/null -H "$AUTH" "$@"
    for _ in $(seq "$RUNS"); do
        curl -fs -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$@"
    done | sort -n | awk -v r="$RUNS" '{a[NR]=$1} END {printf "%.2f", a[int((r + 1) / 2)] * 1000}'
}

page_body() {
    printf '{"page":%d,"page_size":%d,"order_by":"id","order_direction":"asc","conditions":{},"searches":{}}' \
        "$1" "$PAGE_SIZE"
}

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), release build"
echo "files: $N in one folder; page size $PAGE_SIZE, ordered by id, total counted; median of $RUNS requests"
for DB_KIND in $DATABASES; do
    rm -rf "$WORK/data"
    database_args || continue
    "$BIN" --data-dir "$WORK/data" "${DB_ARGS[@]}" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
    start_stratus "$(free_port)" "${DB_ARGS[@]}"
    TOKEN=$(sign_in)
    AUTH="Authorization: Bearer $TOKEN"
    curl -fs -H "$AUTH" -H 'content-type: application/json' \
        -d '{"uri":"cloudreve://my/Big","type":"folder"}' "$API/file/create" | jq -e '.code == 0' >/dev/null
    START=$(date +%s.%N)
    seed
    SEED_SECS=$(python3 -c "import time; print(f'{time.time() - $START:.1f}')")

    JSON=(-H 'content-type: application/json' -X POST "$API/admin/file")
    TOTAL=$(curl -fs -H "$AUTH" "${JSON[@]}" -d "$(page_body 1)" | jq -e '.data.pagination.total_items')
    LAST_ID=$(curl -fs -H "$AUTH" "${JSON[@]}" -d "$(page_body "$LATE")" | jq -e '.data.files[-1].id')
    FIRST_MS=$(time_ms "${JSON[@]}" -d "$(page_body 1)")
    LATE_MS=$(time_ms "${JSON[@]}" -d "$(page_body "$LATE")")
    SUMMARY_MS=$(time_ms "$API/admin/summary?generate=true")
    FILE_TOTAL=$(curl -fs -H "$AUTH" "$API/admin/summary" | jq -e '.data.metrics_summary.file_total')

    echo "$DB_KIND: seeded in ${SEED_SECS}s; $TOTAL files listed (summary counts $FILE_TOTAL), last id $LAST_ID"
    echo "$DB_KIND: POST /admin/file page 1:        ${FIRST_MS} ms"
    echo "$DB_KIND: POST /admin/file page $LATE:     ${LATE_MS} ms"
    echo "$DB_KIND: ratio page $LATE / page 1:   $(ratio "$LATE_MS" "$FIRST_MS")"
    echo "$DB_KIND: GET /admin/summary?generate=true: ${SUMMARY_MS} ms"

    stop_stratus
    stop_postgres
done
