#!/usr/bin/env bash
# restic into Stratus's S3 endpoint against restic into a local repository on the same disk,
# in one run: `restic backup` of a tree of MIB MiB (default 1024: FILES files of random bytes,
# default 64, so nothing deduplicates), then a `restic restore` of it, timed for each
# repository; the restore is compared byte for byte. Prints each time, the ratio local /
# Stratus (above 1: Stratus is faster) and Stratus's peak resident memory.
#
#   bash bench/restic.sh
#   STRATUS_BIN=target/release/stratus MIB=256 bash bench/restic.sh
#
# Disk: the tree, the local repository, the drive's copy and a restore, about 4 × MIB; all of
# it in a work folder removed on exit. Needs restic (apt-get install restic), curl and jq.
# Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MIB=${MIB:-1024}
FILES=${FILES:-64}
source bench/lib.sh

need restic restic
need curl curl
need jq jq
build_stratus
trap 'echo "restic.sh failed at line $LINENO" >&2' ERR

# ---- Stratus, with its S3 endpoint and a key for the whole drive ------------------------------
start_stratus_s3
curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"uri":"cloudreve://my/backups","type":"folder"}' "$API/file/create" >/dev/null

# ---- the tree ------------------------------------------------------------------------------------
mkdir -p "$WORK/tree"
per=$((MIB / FILES))
for i in $(seq 1 "$FILES"); do
    head -c $((per << 20)) /dev/urandom >"$WORK/tree/f$i.bin"
done

export RESTIC_PASSWORD=bench-password
now() { date +%s.%N; }
took() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

# Backs up the tree to repository $1 and restores it into $2; prints the two times.
backup_restore() {
    local repo=$1 into=$2 t0 t1 t2
    restic -q -r "$repo" init >/dev/null
    t0=$(now)
    restic -q -r "$repo" backup "$WORK/tree" >/dev/null
    t1=$(now)
    restic -q -r "$repo" restore latest --target "$into" >/dev/null
    t2=$(now)
    diff -r "$WORK/tree" "$into$WORK/tree" >/dev/null
    rm -rf "$into"
    echo "$(took "$t0" "$t1") $(took "$t1" "$t2")"
}

(
    export AWS_ACCESS_KEY_ID=$S_AK AWS_SECRET_ACCESS_KEY=$S_SK
    backup_restore "s3:$S_URL/backups/bench" "$WORK/restored-s"
) >"$WORK/stratus.times"
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$STRATUS_PID/status")
backup_restore "$WORK/local-repo" "$WORK/restored-l" >"$WORK/local.times"
read -r S_BACKUP S_RESTORE <"$WORK/stratus.times"
read -r L_BACKUP L_RESTORE <"$WORK/local.times"

printf '%-34s %10s %10s %8s\n' "" "Stratus" "local" "ratio"
printf '%-34s %9ss %9ss %8s\n' "restic backup, ${MIB} MiB" "$S_BACKUP" "$L_BACKUP" "$(ratio "$L_BACKUP" "$S_BACKUP")"
printf '%-34s %9ss %9ss %8s\n' "restic restore, ${MIB} MiB" "$S_RESTORE" "$L_RESTORE" "$(ratio "$L_RESTORE" "$S_RESTORE")"
echo "Stratus peak resident memory: $((HWM / 1024)) MiB"
