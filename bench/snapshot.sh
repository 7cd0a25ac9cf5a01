#!/usr/bin/env bash
# Snapshots cost rows, not bytes: taking a snapshot of N files (default 100,000 in 100 folders)
# and restoring it with `copy` into another folder, against `cp -a` of a tree of as many files
# on the same disk.
#
# For SQLite, then PostgreSQL (when `initdb` is found): starts a release build of `stratus` on
# loopback with a fresh data dir and an administrator, seeds the folder `Tree` with 100 folders
# and N files (each with its own entity row, as uploads leave them) in a few SQL statements,
# then times `PUT /api/v4/snapshot` until the snapshot is `completed` and
# `POST /api/v4/snapshot/:id/restore {mode: copy}` until its task is completed. The blob folder's
# size is measured before and after: neither step may write blob data. The seeded entities name
# no file on disk: neither step reads a blob.
#
#   bash bench/snapshot.sh
#   N=20000 DATABASES=sqlite bash bench/snapshot.sh
#
# Needs: sqlite3, psql for PostgreSQL, curl, jq (installed with apt-get when missing). Not in CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-100000}
DATABASES=${DATABASES:-"sqlite postgres"}
source bench/lib.sh

need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
json() { curl -fs -H "$AUTH" -H 'content-type: application/json' "$@"; }
blob_bytes() { du -sb --exclude='stratus.db*' "$WORK/data" | cut -f1; }

# 100 folders in Tree, N files spread over them, an entity per file, the owner charged.
seed() {
    if [[ $DB_KIND == sqlite ]]; then
        run_sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100),
            t AS (SELECT id, owner_id FROM files WHERE name = 'Tree' AND parent_id IS NOT NULL)
            INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
            SELECT '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1,
                   printf('dir-%03d', i), t.owner_id, 0, t.id, 0 FROM n, t;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
            d AS (SELECT f.id, f.owner_id, CAST(substr(f.name, 5) AS INTEGER) % 100 AS k
                  FROM files f JOIN files t ON f.parent_id = t.id
                  WHERE t.name = 'Tree' AND t.parent_id IS NOT NULL)
            INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic, storage_policy_id)
            SELECT strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
                   strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
                   0, printf('item-%07d.bin', i), d.owner_id, i % 1000, d.id, 0, 1
            FROM n JOIN d ON d.k = i % 100;
            INSERT INTO entities (created_at, updated_at, type, source, size, reference_count, storage_policy_id, created_by)
            SELECT created_at, updated_at, 0, 'bench/' || id, size, 1, 1, owner_id
            FROM files WHERE type = 0 AND name LIKE 'item-%';
            INSERT INTO file_entities (file_id, entity_id)
            SELECT CAST(substr(source, 7) AS INTEGER), id FROM entities WHERE source LIKE 'bench/%';
            UPDATE files SET primary_entity = (SELECT entity_id FROM file_entities fe WHERE fe.file_id = files.id)
            WHERE type = 0 AND name LIKE 'item-%';
            UPDATE users SET storage = storage + (SELECT SUM(size) FROM entities WHERE source LIKE 'bench/%');"
    else
        run_sql "INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
            SELECT now(), now(), 1, 'dir-' || lpad(i::text, 3, '0'), t.owner_id, 0, t.id, false
            FROM generate_series(1, 100) AS i,
                 (SELECT id, owner_id FROM files WHERE name = 'Tree' AND parent_id IS NOT NULL) AS t;
            INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic, storage_policy_id)
            SELECT to_timestamp(1700000000 + i), to_timestamp(1700000000 + i), 0,
                   'item-' || lpad(i::text, 7, '0') || '.bin', d.owner_id, i % 1000, d.id, false, 1
            FROM generate_series(1::bigint, $N) AS i
            JOIN (SELECT f.id, f.owner_id, substr(f.name, 5)::int % 100 AS k
                  FROM files f JOIN files t ON f.parent_id = t.id
                  WHERE t.name = 'Tree' AND t.parent_id IS NOT NULL) AS d ON d.k = i % 100;
            INSERT INTO entities (created_at, updated_at, type, source, size, reference_count, storage_policy_id, created_by)
            SELECT created_at, updated_at, 0, 'bench/' || id, size, 1, 1, owner_id
            FROM files WHERE type = 0 AND name LIKE 'item-%';
            INSERT INTO file_entities (file_id, entity_id)
            SELECT substr(source, 7)::bigint, id FROM entities WHERE source LIKE 'bench/%';
            UPDATE files SET primary_entity = fe.entity_id FROM file_entities fe WHERE fe.file_id = files.id
            AND files.type = 0 AND files.name LIKE 'item-%';
            UPDATE users SET storage = storage + (SELECT SUM(size) FROM entities WHERE source LIKE 'bench/%');
            ANALYZE;"
    fi
}

# Waits until the snapshot ID is completed.
wait_snapshot() {
    local status
    while :; do
        status=$(json "$API/snapshot/$1" | jq -r '.data.status')
        case $status in
            completed) return ;;
            failed) echo "snapshot failed: $(json "$API/snapshot/$1" | jq -c .data)" >&2; exit 1 ;;
        esac
        sleep 0.05
    done
}

# Waits until the task ID is completed.
wait_task() {
    local status
    while :; do
        status=$(json "$API/workflow?category=general&page_size=100" |
            jq -r --arg id "$1" '.data.tasks[] | select(.id == $id) | .status')
        case $status in
            completed) return ;;
            error | canceled) echo "task $1 ended $status" >&2; exit 1 ;;
        esac
        sleep 0.05
    done
}

# The reference: a tree of as many empty files, copied with cp -a on the same disk.
python3 - "$WORK/ref" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for d in range(100):
    os.makedirs(f"{root}/dir-{d:03d}")
for i in range(1, n + 1):
    open(f"{root}/dir-{i % 100:03d}/item-{i:07d}.bin", "w").close()
PY
sync
STARTED=$(now)
cp -a "$WORK/ref" "$WORK/ref-copy"
sync
CP_SECS=$(secs "$STARTED" "$(now)")
rm -rf "$WORK/ref" "$WORK/ref-copy"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), release build"
echo "tree: $N files in 100 folders; cp -a of as many empty files: ${CP_SECS} s"
for DB_KIND in $DATABASES; do
    rm -rf "$WORK/data"
    database_args || continue
    "$BIN" --data-dir "$WORK/data" "${DB_ARGS[@]}" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
    start_stratus "$(free_port)" "${DB_ARGS[@]}"
    TOKEN=$(sign_in)
    AUTH="Authorization: Bearer $TOKEN"
    json -d '{"uri":"cloudreve://my/Tree","type":"folder"}' "$API/file/create" | jq -e '.code == 0' >/dev/null
    seed
    BEFORE=$(blob_bytes)

    STARTED=$(now)
    SNAP=$(json -X PUT -d '{"uri":"cloudreve://my/Tree","name":"bench"}' "$API/snapshot" | jq -er '.data.id')
    wait_snapshot "$SNAP"
    TAKE_SECS=$(secs "$STARTED" "$(now)")
    FILES=$(json "$API/snapshot/$SNAP" | jq -r '.data.files')

    STARTED=$(now)
    TASK=$(json -d '{"mode":"copy","dst":"cloudreve://my/Restored"}' "$API/snapshot/$SNAP/restore" | jq -er '.data.id')
    wait_task "$TASK"
    RESTORE_SECS=$(secs "$STARTED" "$(now)")
    AFTER=$(blob_bytes)
    RESTORED=$(run_sql "SELECT COUNT(*) FROM files WHERE type = 0 AND name LIKE 'item-%'" | tr -d ' ')

    echo "$DB_KIND: snapshot of $FILES files: ${TAKE_SECS} s (cp -a ratio $(ratio "$TAKE_SECS" "$CP_SECS"))"
    echo "$DB_KIND: restore (copy): ${RESTORE_SECS} s (cp -a ratio $(ratio "$RESTORE_SECS" "$CP_SECS")); item files now $RESTORED"
    echo "$DB_KIND: blob folder bytes before $BEFORE, after $AFTER (written: $((AFTER - BEFORE)))"
    echo "$DB_KIND: peak RSS of stratus: $(awk '/VmHWM/ {print $2, $3}' "/proc/$STRATUS_PID/status")"
    stop_stratus
    stop_postgres
done
