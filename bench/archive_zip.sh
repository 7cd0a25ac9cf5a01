#!/usr/bin/env bash
# How fast a zip download streams: one folder holding a large file (default 1 GiB of random
# bytes) and 1,000 small files, fetched as `archive.zip` with curl into /dev/null.
#
# Starts a release build of `stratus` on loopback with a fresh SQLite data dir and an
# administrator (whose group may download archives), writes the blobs straight into the
# local policy's folder and their rows with the `sqlite3` CLI (so no upload time is
# measured), asks `POST /api/v4/file/url {archive: true}` for the URL and reports curl's
# size and average speed for RUNS downloads, and the server's peak RSS. The archive is
# checked once with `unzip -tq`.
#
#   bash bench/archive_zip.sh
#   SIZE_MIB=256 RUNS=5 bash bench/archive_zip.sh
#
# Needs: sqlite3, curl, jq, unzip (installed with apt-get when missing). Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB=${SIZE_MIB:-1024}
SMALL=${SMALL:-1000}
RUNS=${RUNS:-3}
source bench/lib.sh

need sqlite3 sqlite3
need curl curl
need jq jq
need unzip unzip
build_stratus

PORT=$(free_port)
DB="$WORK/data/stratus.db"
"$BIN" --data-dir "$WORK/data" create-user --email "$EMAIL" --password "$PASSWORD" --group 1 >/dev/null
start_stratus "$PORT"
TOKEN=$(sign_in)
AUTH="Authorization: Bearer $TOKEN"
curl -fs -H "$AUTH" -H 'content-type: application/json' \
    -d '{"uri":"cloudreve://my/Bench","type":"folder"}' "$API/file/create" | jq -e '.code == 0' >/dev/null

BLOBS="$WORK/data/uploads/bench"
mkdir -p "$BLOBS"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$BLOBS/big.bin"
for i in $(seq "$SMALL"); do printf 'small file %d\n' "$i" >"$BLOBS/s$i.txt"; done

# Rows for every blob: entity, file in Bench, link, primary entity.
{
    echo ".timeout 30000"
    echo "BEGIN;"
    add() { # name, blob path, size
        cat <<SQL
INSERT INTO entities (created_at, updated_at, type, source, size, reference_count, storage_policy_id, created_by)
  VALUES (strftime('%Y-%m-%dT%H:%M:%S+00:00','now'), strftime('%Y-%m-%dT%H:%M:%S+00:00','now'), 0, '$2', $3, 1, 1,
          (SELECT id FROM users WHERE email = '$EMAIL'));
INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic, primary_entity, storage_policy_id)
  SELECT strftime('%Y-%m-%dT%H:%M:%S+00:00','now'), strftime('%Y-%m-%dT%H:%M:%S+00:00','now'), 0, '$1', owner_id, $3, id, 0,
         last_insert_rowid(), 1
  FROM files WHERE name = 'Bench' AND parent_id IS NOT NULL;
INSERT INTO file_entities (file_id, entity_id) SELECT id, primary_entity FROM files WHERE id = last_insert_rowid();
SQL
    }
    add big.bin "$BLOBS/big.bin" "$((SIZE_MIB * 1024 * 1024))"
    for i in $(seq "$SMALL"); do add "s$i.txt" "$BLOBS/s$i.txt" "$(stat -c %s "$BLOBS/s$i.txt")"; done
    echo "COMMIT;"
} | sqlite3 "$DB"

URL=$(curl -fs -H "$AUTH" -H 'content-type: application/json' \
    -d '{"uris":["cloudreve://my/Bench"],"archive":true}' "$API/file/url" | jq -er '.data.urls[0].url')

curl -fs -o "$WORK/check.zip" "$URL"
unzip -tq "$WORK/check.zip" >/dev/null
echo "archive checked with unzip -t: $(unzip -Z1 "$WORK/check.zip" | wc -l) entries"
rm -f "$WORK/check.zip"

echo "runs: $RUNS, ${SIZE_MIB} MiB file + $SMALL small files"
for run in $(seq "$RUNS"); do
    curl -fs -o /dev/null -w "run $run: %{size_download} bytes in %{time_total} s = %{speed_download} B/s\n" "$URL"
done
echo "peak RSS of stratus: $(awk '/VmHWM/ {print $2, $3}' "/proc/$STRATUS_PID/status")"
