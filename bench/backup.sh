#!/usr/bin/env bash
# Backups against cp -r on the same disk:
#
# 1. the first backup of a folder of SIZE_MIB (default 2048) of mixed files (4 files of a
#    sixteenth of it each, the rest in 1 MiB files) to a local target, against `cp -r` of the
#    same files;
# 2. an incremental run after one change in a folder of MANY (default 100,000) files (seeded
#    with SQL, each with its own empty blob on disk), after a first full run of it;
# 3. restoring the first record into another folder, against `cp -r` of the same files.
#
# Each run is timed from `POST /admin/backup/task/:id/run` (or the record's restore) until
# the record or task completes; the peak RSS of the server is printed at the end.
#
#   bash bench/backup.sh
#   SIZE_MIB=256 MANY=20000 bash bench/backup.sh
#
# Needs: sqlite3, curl, jq (installed with apt-get when missing). Not in CI. Disk: about
# three times SIZE_MIB while it runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB=${SIZE_MIB:-2048}
MANY=${MANY:-100000}
source bench/lib.sh

need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
json() { curl -fs -H "$AUTH" -H 'content-type: application/json' "$@"; }

PORT=$(free_port)
"$BIN" --data-dir "$WORK/data" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
start_stratus "$PORT"
TOKEN=$(sign_in)
AUTH="Authorization: Bearer $TOKEN"
dav_account
USER_ID=$(json "$API/user/me" | jq -r '.data.id')
ADMIN_USER=$(json -X POST -d '{"page":1,"page_size":10,"order_by":"id","order_direction":"asc","conditions":{},"searches":{}}' \
    "$API/admin/user" | jq -r --arg e "$EMAIL" '.data.users[] | select(.email == $e) | .id')

# The source folder: 4 large files and 1 MiB files for the rest.
mkdir -p "$WORK/src"
BIG_MIB=$((SIZE_MIB / 16))
for i in 1 2 3 4; do head -c "$((BIG_MIB << 20))" /dev/urandom >"$WORK/src/big-$i.bin"; done
SMALL=$((SIZE_MIB - 4 * BIG_MIB))
for ((i = 1; i <= SMALL; i++)); do head -c 1048576 /dev/urandom >"$WORK/src/small-$(printf %05d "$i").bin"; done
sync
STARTED=$(now)
cp -r "$WORK/src" "$WORK/cp-ref"
sync
CP_SECS=$(secs "$STARTED" "$(now)")
rm -rf "$WORK/cp-ref"

curl -fs -u "$EMAIL:$DAVPW" -X MKCOL "$DAV/Data" >/dev/null
for f in "$WORK/src"/*; do
    curl -fs -u "$EMAIL:$DAVPW" -T "$f" "$DAV/Data/$(basename "$f")" >/dev/null
done
rm -rf "$WORK/src"

# MANY files in the folder Many, each with an empty blob of its own on disk.
curl -fs -u "$EMAIL:$DAVPW" -X MKCOL "$DAV/Many" >/dev/null
UPLOADS="$WORK/data/uploads/bench"
mkdir -p "$UPLOADS"
sqlite3 "$WORK/data/stratus.db" <<SQL
.timeout 30000
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $MANY),
m AS (SELECT id, owner_id FROM files WHERE name = 'Many' AND parent_id IS NOT NULL)
INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic, storage_policy_id)
SELECT strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
       strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
       0, printf('item-%07d.bin', i), m.owner_id, 0, m.id, 0, 1
FROM n, m;
INSERT INTO entities (created_at, updated_at, type, source, size, reference_count, storage_policy_id, created_by)
SELECT created_at, updated_at, 0, '$UPLOADS/' || id, 0, 1, 1, owner_id FROM files WHERE name LIKE 'item-%';
INSERT INTO file_entities (file_id, entity_id)
SELECT CAST(substr(source, length('$UPLOADS/') + 1) AS INTEGER), id FROM entities WHERE source LIKE '$UPLOADS/%';
UPDATE files SET primary_entity = (SELECT entity_id FROM file_entities fe WHERE fe.file_id = files.id)
WHERE name LIKE 'item-%';
SQL
sqlite3 "$WORK/data/stratus.db" "SELECT id FROM files WHERE name LIKE 'item-%'" |
    (cd "$UPLOADS" && xargs touch)

TARGET=$(json -X PUT -d "{\"name\":\"bench\",\"type\":\"local\",\"settings\":{\"path\":\"$WORK/target\"}}" \
    "$API/admin/backup/target" | jq -er '.data.id')
new_task() { # NAME URI → task id
    json -X PUT -d "{\"name\":\"$1\",\"kind\":\"folder\",\"source\":{\"user_id\":$ADMIN_USER,\"uri\":\"$2\"},\"target_id\":$TARGET}" \
        "$API/admin/backup/task" | jq -er '.data.id'
}

# Runs task ID now; waits for its record; prints "seconds record-id new-bytes".
run() {
    local started record status
    started=$(now)
    record=$(json -X POST "$API/admin/backup/task/$1/run" | jq -er '.data.id')
    while :; do
        status=$(json "$API/admin/backup/record/$record" | jq -r '.data.status')
        case $status in
            completed) break ;;
            failed) echo "record $record failed: $(json "$API/admin/backup/record/$record" | jq -r .data.error)" >&2; exit 1 ;;
        esac
        sleep 0.05
    done
    echo "$(secs "$started" "$(now)") $record $(json "$API/admin/backup/record/$record" | jq -r .data.new_bytes)"
}

DATA_TASK=$(new_task data cloudreve://my/Data)
read -r FULL_SECS FULL_RECORD FULL_NEW < <(run "$DATA_TASK")

MANY_TASK=$(new_task many cloudreve://my/Many)
read -r MANY_FIRST_SECS _ _ < <(run "$MANY_TASK")
head -c 4096 /dev/urandom | curl -fs -u "$EMAIL:$DAVPW" -T - "$DAV/Many/item-0000042.bin" >/dev/null
read -r INC_SECS _ INC_NEW < <(run "$MANY_TASK")

# Restore of the first record into another folder, followed as a task.
STARTED=$(now)
RESTORE=$(json -X POST -d '{"dst":"cloudreve://my/Back"}' "$API/admin/backup/record/$FULL_RECORD/restore" | jq -er '.data.id')
while :; do
    status=$(json "$API/admin/queue/$RESTORE" | jq -r '.data.status')
    case $status in
        completed) break ;;
        error | canceled) echo "restore ended $status" >&2; exit 1 ;;
    esac
    sleep 0.05
done
RESTORE_SECS=$(secs "$STARTED" "$(now)")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), release build"
echo "first backup of $SIZE_MIB MiB (4 x $BIG_MIB MiB + $SMALL x 1 MiB): ${FULL_SECS} s, $FULL_NEW bytes new; cp -r ${CP_SECS} s; throughput ratio $(ratio "$CP_SECS" "$FULL_SECS")"
echo "folder of $MANY files: first run ${MANY_FIRST_SECS} s; after one change ${INC_SECS} s, $INC_NEW bytes new"
echo "restore into another folder: ${RESTORE_SECS} s; cp -r ${CP_SECS} s; throughput ratio $(ratio "$CP_SECS" "$RESTORE_SECS")"
echo "peak RSS of stratus: $(awk '/VmHWM/ {print $2, $3}' "/proc/$STRATUS_PID/status")"
