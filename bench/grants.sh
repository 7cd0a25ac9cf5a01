#!/usr/bin/env bash
# Sharing with people: does a recipient list a granted folder as fast as its owner lists it?
#
# Starts `stratus` on loopback with a fresh SQLite data dir, makes Ann (the owner) and Bob,
# puts N empty files (default 10,000) into Ann's folder Team with one SQL statement, grants
# Team to Bob (read) and then times, each the median of RUNS requests made with curl after
# one warm-up:
#   1. the first page (100 items) of `GET /api/v4/file` on Team: Ann at cloudreve://my/Team,
#      Bob at cloudreve://<ann>@my/Team;
#   2. a WebDAV `PROPFIND Depth: 1` of the whole folder: Ann at /dav/Team, Bob at
#      /dav/Shared with me/Team (each with a WebDAV account on the whole drive);
#   3. `GET /api/v4/file?uri=cloudreve://shared_with_me` (Bob) against Ann's root listing,
#      with G more folders (default 100) granted to Bob.
# and prints Bob's time over Ann's for each: the cost of reaching the folder through a grant.
#
#   bash bench/grants.sh
#   N=20000 RUNS=9 bash bench/grants.sh
#   STRATUS_BIN=$CARGO_TARGET_DIR/debug/stratus bash bench/grants.sh
#
# Needs: sqlite3, curl, jq (installed with apt-get when missing). Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-10000}
G=${G:-100}
RUNS=${RUNS:-7}
source bench/lib.sh

need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus

PORT=$(free_port)
DB="$WORK/data/stratus.db"
BOB=bob@example.com
# Both administrators, whose group has WebDAV on: the rights of the group do not enter the
# comparison, which is between one's own folder and a granted one.
"$BIN" --data-dir "$WORK/data" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
"$BIN" --data-dir "$WORK/data" create-admin --email "$BOB" --password "$PASSWORD" >/dev/null
start_stratus "$PORT"
ANN_TOKEN=$(sign_in)
BOB_TOKEN=$(EMAIL=$BOB sign_in)

# `METHOD PATH BODY` as TOKEN: the answer's data, failing unless its code is 0.
call() {
    local token=$1 method=$2 path=$3 body=${4:-}
    curl -fs -X "$method" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
        ${body:+-d "$body"} "$API$path" | jq -e 'if .code == 0 then .data else error(.msg) end'
}

call "$ANN_TOKEN" POST /file/create '{"uri":"cloudreve://my/Team","type":"folder"}' >/dev/null
for i in $(seq "$G"); do
    call "$ANN_TOKEN" POST /file/create "{\"uri\":\"cloudreve://my/More/f$i\",\"type\":\"folder\"}" >/dev/null
done
sqlite3 "$DB" <<SQL
.timeout 30000
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
team AS (SELECT id, owner_id FROM files WHERE name = 'Team' AND parent_id IS NOT NULL)
INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)
SELECT strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
       strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '+00:00',
       0, printf('item-%07d', i), team.owner_id, 0, team.id, 0
FROM n, team;
SQL

ANN_ID=$(call "$ANN_TOKEN" GET /user/me | jq -r .id)
BOB_ID=$(call "$BOB_TOKEN" GET /user/me | jq -r .id)
grant() {
    call "$ANN_TOKEN" PUT /file/permission \
        "{\"uri\":\"cloudreve://my/$1\",\"users\":{\"$BOB_ID\":\"read\"},\"groups\":{}}" >/dev/null
}
grant Team
for i in $(seq "$G"); do grant "More/f$i"; done

dav_password() {
    curl -fs -X PUT -H "Authorization: Bearer $1" -H 'content-type: application/json' \
        -d '{"uri":"cloudreve://my","name":"bench"}' "$API/devices/dav" | jq -er '.data.password'
}
ANN_DAV=$(dav_password "$ANN_TOKEN")
BOB_DAV=$(dav_password "$BOB_TOKEN")
DAV="${API%/api/v4}/dav"

# Median of RUNS timed requests (after one warm-up) of curl with ARGS, in milliseconds.
time_ms() {
    curl -fs -o /dev/null "$@"
    for _ in $(seq "$RUNS"); do
        curl -fs -o /dev/null -w '%{time_total}\n' "$@"
    done | sort -n | awk -v r="$RUNS" '{a[NR]=$1} END {printf "%.2f", a[int((r + 1) / 2)] * 1000}'
}
enc() { jq -rn --arg u "$1" '$u|@uri'; }

api_ann=$(time_ms -H "Authorization: Bearer $ANN_TOKEN" "$API/file?uri=$(enc cloudreve://my/Team)&page_size=100")
api_bob=$(time_ms -H "Authorization: Bearer $BOB_TOKEN" "$API/file?uri=$(enc "cloudreve://$ANN_ID@my/Team")&page_size=100")
dav_ann=$(time_ms -u "$EMAIL:$ANN_DAV" -X PROPFIND -H 'Depth: 1' "$DAV/Team/")
dav_bob=$(time_ms -u "$BOB:$BOB_DAV" -X PROPFIND -H 'Depth: 1' "$DAV/Shared%20with%20me/Team/")
root_ann=$(time_ms -H "Authorization: Bearer $ANN_TOKEN" "$API/file?uri=$(enc cloudreve://my/More)&page_size=100")
swm_bob=$(time_ms -H "Authorization: Bearer $BOB_TOKEN" "$API/file?uri=$(enc cloudreve://shared_with_me)&page_size=100")

echo "machine: $(nproc) cores, $(uname -r), $(date -u +%F), ${STRATUS_BIN:+given build }sqlite; load average $(cut -d' ' -f1-3 /proc/loadavg)"
ratio() { python3 -c "print(f'{$2 / $1:.2f}')"; }
printf '%-52s %10s %10s %7s\n' "median of $RUNS (ms)" owner recipient ratio
printf '%-52s %10s %10s %7s\n' "first page of Team ($N files), API" "$api_ann" "$api_bob" "$(ratio "$api_ann" "$api_bob")"
printf '%-52s %10s %10s %7s\n' "PROPFIND Depth 1 of Team, WebDAV" "$dav_ann" "$dav_bob" "$(ratio "$dav_ann" "$dav_bob")"
printf '%-52s %10s %10s %7s\n' "$G folders: More (owner) / Shared with me (recipient)" "$root_ann" "$swm_bob" "$(ratio "$root_ann" "$swm_bob")"
