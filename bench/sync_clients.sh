#!/usr/bin/env bash
# Sync clients: the Nextcloud desktop client (nextcloudcmd) syncing with Stratus, next to rclone
# syncing the same tree with Stratus's `/dav` and with Apache mod_dav, same machine, same run,
# everything on 127.0.0.1.
#
# The tree: FILES small files (default 5,000 of 4 KiB, in folders of 100) and one file of
# BIG_MIB MiB (default 1024). For each pair of client and server, three timed steps:
#   1. up:    the first sync of the tree from a local folder into an empty drive;
#   2. down:  a sync of the drive into an empty local folder (a second device);
#   3. idle:  a sync of that folder again with nothing changed (the cost of a client's
#             periodic check: listing the tree and comparing, no transfer).
# nextcloudcmd speaks only to a Nextcloud-like server (status.php, capabilities, chunked
# uploads), so Apache is measured with rclone alone; the rows to compare are
# nextcloudcmd → Stratus against rclone → Apache (the client people use against the plainest
# WebDAV server) and rclone → Stratus `/dav` against rclone → Apache (one client, two servers).
#
#   bash bench/sync_clients.sh
#   FILES=1000 BIG_MIB=256 bash bench/sync_clients.sh
#
# Disk: the tree is written four times at most (local, Stratus, Apache, the second device),
# about 4 × (BIG_MIB + FILES × 4 KiB); everything is removed on exit.
# Needs (installed with apt-get when missing): nextcloud-desktop-cmd, rclone, apache2,
# apache2-utils, curl, jq. Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FILES=${FILES:-5000}
BIG_MIB=${BIG_MIB:-1024}
source bench/lib.sh
KILL_ON_EXIT+=(APACHE_PID)

need nextcloudcmd nextcloud-desktop-cmd
need rclone rclone
need apache2 apache2
need htpasswd apache2-utils
need curl curl
need jq jq
build_stratus
trap 'echo "sync_clients.sh failed at line $LINENO" >&2' ERR

# ---- the tree ------------------------------------------------------------------------------------
SRC="$WORK/src"
python3 - "$SRC" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, f"dir-{i // 100:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file-{i:05d}.txt"), "wb") as f:
        f.write(os.urandom(4096))
PY
head -c "$((BIG_MIB * 1024 * 1024))" /dev/urandom >"$SRC/big.bin"

# ---- the servers -------------------------------------------------------------------------------
SPORT=$(free_port)
"$BIN" --data-dir "$WORK/data" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
start_stratus "$SPORT"
TOKEN=$(sign_in)
SITE="http://127.0.0.1:$SPORT"
# Two WebDAV accounts, one per client, each on a folder of its own.
for folder in nc rc; do
    curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
        -d "{\"uri\":\"cloudreve://my/$folder\",\"type\":\"folder\"}" "$API/file/create" >/dev/null
done
account() {
    curl -fs -X PUT -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
        -d "{\"uri\":\"cloudreve://my/$1\",\"name\":\"$1\"}" "$API/devices/dav" | jq -er '.data.password'
}
NC_PW=$(account nc)
RC_PW=$(account rc)
start_apache_dav "$WORK/apache" "$RC_PW"

# ---- the clients -------------------------------------------------------------------------------
nc_sync() { # LOCAL
    HOME="$WORK/nchome" XDG_CONFIG_HOME="$WORK/nchome/config" XDG_DATA_HOME="$WORK/nchome/data" \
        nextcloudcmd --non-interactive --silent -u "$EMAIL" -p "$NC_PW" --exclude "$WORK/exclude.lst" \
        "$1" "$SITE" >"$WORK/nc.log" 2>&1
}
rc_sync() { # FROM TO
    rclone sync --config /dev/null --transfers 8 --checkers 16 "$1" "$2" >"$WORK/rc.log" 2>&1
}
mkdir -p "$WORK/nchome"
: >"$WORK/exclude.lst"
rc_remote() { # URL
    printf ':webdav,url="%s",vendor=other,user="%s",pass="%s":' "$1" "$EMAIL" "$(rclone obscure "$RC_PW")"
}
S_RC=$(rc_remote "$SITE/dav")
A_RC=$(rc_remote "$ADAV")

# A synced copy must hold the whole tree, byte for byte: a bench of a failed sync means nothing.
check_copy() { # DIR LOG
    if ! diff -rq --exclude='.sync_*' --exclude='.owncloudsync.log*' --exclude='.nextcloudsync.log*' \
        "$SRC" "$1" >"$WORK/diff.log"; then
        echo "the copy in $1 differs from the tree:" >&2
        head -5 "$WORK/diff.log" >&2
        tail -20 "$2" >&2
        exit 1
    fi
}

seconds() { # COMMAND...: the wall time of COMMAND in seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$@" || { echo "failed: $*" >&2; tail -20 "$WORK"/*.log >&2; return 1; }
    t1=$(date +%s.%N)
    python3 -c "print(f'{$t1 - $t0:.2f}')"
}

# A client's first sync into the drive copies from a folder that is then its sync folder.
NC_UP="$WORK/nc-up"
cp -r "$SRC" "$NC_UP"
printf '%-34s %8s %8s %8s\n' "client → server" "up s" "down s" "idle s"
row() { printf '%-34s %8s %8s %8s\n' "$@"; }

up=$(seconds nc_sync "$NC_UP")
rm -rf "$WORK/nchome"/{config,data}
mkdir -p "$WORK/nc-down"
down=$(seconds nc_sync "$WORK/nc-down")
check_copy "$WORK/nc-down" "$WORK/nc.log"
idle=$(seconds nc_sync "$WORK/nc-down")
row "nextcloudcmd → Stratus" "$up" "$down" "$idle"
rm -rf "$NC_UP" "$WORK/nc-down"

for target in S A; do
    if [[ $target == S ]]; then remote=$S_RC name="rclone → Stratus /dav"; else remote=$A_RC name="rclone → Apache mod_dav"; fi
    up=$(seconds rc_sync "$SRC" "$remote")
    down=$(seconds rc_sync "$remote" "$WORK/rc-down")
    check_copy "$WORK/rc-down" "$WORK/rc.log"
    idle=$(seconds rc_sync "$remote" "$WORK/rc-down")
    row "$name" "$up" "$down" "$idle"
    rm -rf "$WORK/rc-down"
done
echo "files: $FILES × 4 KiB + $BIG_MIB MiB; Stratus RSS peak: $(grep VmHWM "/proc/$STRATUS_PID/status" | awk '{print $2 / 1024 " MiB"}')"
