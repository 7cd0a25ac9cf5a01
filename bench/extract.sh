#!/usr/bin/env bash
# Server-side extract and compress tasks against `unzip` and `zip -1` on the same disk, in
# one run: a folder holding one big file of random bytes (SIZE_MIB, default 256) and SMALL
# (1,000) small files.
#
# 1. `zip -1 -qr` the folder (the reference for compressing) and `unzip -q` the zip (the
#    reference for extracting), both timed, on $WORK (the disk Stratus's data dir is on).
# 2. Uploads the zip through the chunked upload API (not timed), then times
#    `POST /workflow/extract` into a folder until its task completes, and
#    `POST /workflow/archive` of the extracted folder until that task completes.
# 3. Prints the times, the ratios Stratus / reference, and the server's peak RSS.
#
#   bash bench/extract.sh
#   SIZE_MIB=1024 bash bench/extract.sh
#   PROFILE=debug SIZE_MIB=16 SMALL=100 bash bench/extract.sh   # check the script quickly
#
# Needs: curl, jq, zip, unzip (installed with apt-get when missing). Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB=${SIZE_MIB:-256}
SMALL=${SMALL:-1000}
PROFILE=${PROFILE:-release}
source bench/lib.sh

need curl curl
need jq jq
need zip zip
need unzip unzip
if [[ $PROFILE == release ]]; then
    build_stratus
else
    cargo build -q -p stratus-server --bin stratus
    BIN="$WORK/stratus"
    cp "$CARGO_TARGET_DIR/debug/stratus" "$BIN"
fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# The folder and the references.
mkdir -p "$WORK/src/Bench"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/src/Bench/big.bin"
for i in $(seq "$SMALL"); do printf 'small file %d\n' "$i" >"$WORK/src/Bench/s$i.txt"; done
sync
t0=$(now)
(cd "$WORK/src" && zip -1 -qr "$WORK/bench.zip" Bench)
t1=$(now)
unzip -q "$WORK/bench.zip" -d "$WORK/unzipped"
t2=$(now)
ZIP_REF=$(secs "$t0" "$t1")
UNZIP_REF=$(secs "$t1" "$t2")
rm -rf "$WORK/unzipped" "$WORK/src"

PORT=$(free_port)
"$BIN" --data-dir "$WORK/data" create-user --email "$EMAIL" --password "$PASSWORD" --group 1 >/dev/null
start_stratus "$PORT"
TOKEN=$(sign_in)
AUTH="Authorization: Bearer $TOKEN"
json() { curl -fs -H "$AUTH" -H 'content-type: application/json' "$@"; }

# Upload the zip in the chunks the server asks for.
SIZE=$(stat -c %s "$WORK/bench.zip")
POLICY=$(json "$API/file?uri=cloudreve://my" | jq -er '.data.storage_policy.id')
SESSION=$(json -X PUT -d "{\"uri\":\"cloudreve://my/bench.zip\",\"size\":$SIZE,\"policy_id\":\"$POLICY\"}" "$API/file/upload")
SID=$(jq -er '.data.session_id' <<<"$SESSION")
CHUNK=$(jq -er '.data.chunk_size' <<<"$SESSION")
((CHUNK > 0)) || CHUNK=$SIZE
for ((i = 0, off = 0; off < SIZE; i++, off += CHUNK)); do
    # dd stops by itself after the chunk (`tail | head` ended in SIGPIPE, fatal with pipefail).
    dd if="$WORK/bench.zip" iflag=skip_bytes,count_bytes skip="$off" count="$CHUNK" bs=1M status=none |
        curl -fs -H "$AUTH" -H 'content-type: application/octet-stream' --data-binary @- \
            "$API/file/upload/$SID/$i" | jq -e '.code == 0' >/dev/null
done
rm -f "$WORK/bench.zip"
json -d '{"uri":"cloudreve://my/Out","type":"folder"}' "$API/file/create" | jq -e '.code == 0' >/dev/null

# Runs a task (POST path body) and waits for it; prints its seconds.
task() {
    local started id status
    started=$(now)
    id=$(json -d "$2" "$API/$1" | jq -er '.data.id')
    while :; do
        status=$(json "$API/workflow?category=general&page_size=100" |
            jq -r --arg id "$id" '.data.tasks[] | select(.id == $id) | .status')
        case $status in
            completed) break ;;
            error | canceled)
                echo "task $1 ended $status: $(json "$API/workflow?category=general" | jq -c '.data.tasks[0].error')" >&2
                exit 1
                ;;
        esac
        sleep 0.1
    done
    secs "$started" "$(now)"
}

EXTRACT=$(task workflow/extract '{"src":["cloudreve://my/bench.zip"],"dst":"cloudreve://my/Out"}')
COUNT=$(json "$API/file?uri=cloudreve://my/Out/Bench&page_size=2000" | jq '.data.files | length')
((COUNT == SMALL + 1)) || { echo "extracted $COUNT entries, expected $((SMALL + 1))" >&2; exit 1; }
COMPRESS=$(task workflow/archive '{"src":["cloudreve://my/Out/Bench"],"dst":"cloudreve://my/again.zip"}')

echo "profile: $PROFILE, ${SIZE_MIB} MiB random file + $SMALL small files, $(nproc) cores, $(uname -r)"
echo "extract:  stratus ${EXTRACT} s, unzip ${UNZIP_REF} s, ratio $(ratio "$EXTRACT" "$UNZIP_REF")"
echo "compress: stratus ${COMPRESS} s (stored), zip -1 ${ZIP_REF} s, ratio $(ratio "$COMPRESS" "$ZIP_REF")"
echo "peak RSS of stratus: $(awk '/VmHWM/ {print $2, $3}' "/proc/$STRATUS_PID/status")"
