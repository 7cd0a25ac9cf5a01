#!/usr/bin/env bash
# Uploading to a slave node: the same file through the upload API into the local policy, and
# into a `remote` policy whose node (a second `stratus serve --mode slave` on this machine,
# its own data dir on the same disk) receives the chunks straight from the client and calls
# the master back. Chunks of 25 MiB, one after the other over one keep-alive connection, as
# the web client sends them; best of RUNS; the ratio is remote time over local time.
#
#   bash bench/remote_upload.sh
#   SIZE_MIB=1024 RUNS=3 bash bench/remote_upload.sh
#
# Needs: curl, jq (installed with apt-get when missing) and twice SIZE_MIB free in $TMPDIR.
# Not part of CI.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB=${SIZE_MIB:-256}
RUNS=${RUNS:-3}
source bench/lib.sh
KILL_ON_EXIT+=(SLAVE_PID)

need curl curl
need jq jq
build_stratus

now() { date +%s.%N; }
secs_since() { python3 -c "import time; print(f'{time.time() - $1:.3f}')"; }
mib_s() { python3 -c "print(f'{$1 / $2:.0f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
min_of() { if [[ -z "$1" ]]; then echo "$2"; else python3 -c "print(min($1, $2))"; fi; }

MP=$(free_port)
SP=$(free_port)
SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '/+=' | head -c 64)
((${#SECRET} == 64)) || SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# ---- the slave node
STRATUS_SLAVE_SECRET=$SECRET "$BIN" --data-dir "$WORK/node" --listen "127.0.0.1:$SP" serve \
    --mode slave >"$WORK/slave.log" 2>&1 &
SLAVE_PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$SP/healthz" >/dev/null && break; sleep 0.1; done

# ---- the master: a user, a node row and a remote policy (25 MiB chunks), room for the files
"$BIN" --data-dir "$WORK/data" create-user --email "$EMAIL" --password "$PASSWORD" >/dev/null
python3 - "$WORK/data/stratus.db" "http://127.0.0.1:$SP" "$SECRET" "http://127.0.0.1:$MP" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE groups SET max_storage = 1 << 40")
db.execute("UPDATE settings SET value = ? WHERE name = 'siteURL'", (sys.argv[4],))
cur = db.execute(
    "INSERT INTO nodes (created_at, updated_at, status, name, type, server, slave_key, capabilities, settings, weight)"
    " VALUES (datetime('now'), datetime('now'), 'active', 'bench node', 'slave', ?, ?, x'', '{}', 1)",
    (sys.argv[2], sys.argv[3]))
node = cur.lastrowid
db.execute(
    "INSERT INTO storage_policies (created_at, updated_at, name, type, server, bucket_name, is_private,"
    " access_key, secret_key, max_size, dir_name_rule, file_name_rule, settings, node_id)"
    " VALUES (datetime('now'), datetime('now'), 'bench remote', 'remote', '', '', 1, '', '', 0,"
    " 'uploads/{uid}/{path}', '{uid}_{randomkey8}_{originname}', '{\"chunk_size\": 26214400}', ?)",
    (node,))
db.commit()
PY
REMOTE_POLICY=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT id FROM storage_policies WHERE type='remote'\").fetchone()[0])" "$WORK/data/stratus.db")
set_group_policy() {
    python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute('UPDATE groups SET storage_policy_id = ? WHERE id = 2', (int(sys.argv[2]),)); db.commit()" \
        "$WORK/data/stratus.db" "$1"
}

api() { # method path json → envelope data (fails on a non-zero code)
    curl -fs -X "$1" -H "$AUTH" -H 'content-type: application/json' -d "$3" "$API$2" |
        jq -ec 'if .code == 0 then (.data // {}) else error(tostring) end'
}

# upload <name>: the whole protocol for $WORK/src.bin, chunks to the master (local) or to the
# URL the session names with its credential (remote). Sets UPLOAD_SECS.
upload() {
    local session sid url cred args=() i=0 t
    t=$(now)
    session=$(api PUT /file/upload "{\"uri\":\"cloudreve://my/$1\",\"size\":$SIZE,\"policy_id\":\"$POLICY\"}")
    sid=$(jq -r .session_id <<<"$session")
    url=$(jq -r '.upload_urls[0] // empty' <<<"$session")
    cred=$(jq -r '.credential // empty' <<<"$session")
    for part in "${PARTS[@]}"; do
        if [[ -n "$url" ]]; then args+=(-T "$part" "$url?chunk=$i"); else args+=(-T "$part" "$API/file/upload/$sid/$i"); fi
        i=$((i + 1))
    done
    local header="$AUTH"
    [[ -n "$cred" ]] && header="Authorization: $cred"
    curl -sS -X POST -H "$header" -H 'content-type: application/octet-stream' "${args[@]}" |
        jq -se 'all(.code == 0)' >/dev/null || {
        echo "upload of $1 failed" >&2
        return 1
    }
    UPLOAD_SECS=$(secs_since "$t")
}

best_of() { # label → best seconds in BEST
    BEST=""
    for run in $(seq "$RUNS"); do
        upload "$1-$run.bin"
        BEST=$(min_of "$BEST" "$UPLOAD_SECS")
    done
}

echo "machine: $(nproc) cores, $(uname -r)"
head -c $((SIZE_MIB << 20)) /dev/urandom >"$WORK/src.bin"
SIZE=$(stat -c %s "$WORK/src.bin")
mkdir "$WORK/chunks"
split -b 25M -d -a 4 "$WORK/src.bin" "$WORK/chunks/part."
mapfile -t PARTS < <(find "$WORK/chunks" -type f | sort)
sync

for policy in 1 "$REMOTE_POLICY"; do
    set_group_policy "$policy"
    start_stratus "$MP"
    TOKEN=$(sign_in)
    AUTH="Authorization: Bearer $TOKEN"
    POLICY=$(curl -fs -H "$AUTH" "$API/file?uri=cloudreve%3A%2F%2Fmy" | jq -er '.data.storage_policy.id')
    if [[ "$policy" == 1 ]]; then
        best_of local
        LOCAL=$BEST
    else
        best_of remote
        REMOTE=$BEST
        n=$(find "$WORK/node/uploads" -type f -name "*_remote-*.bin" | wc -l)
        ((n == RUNS)) || { echo "expected $RUNS files on the node, found $n" >&2; exit 1; }
    fi
    kill "$STRATUS_PID" && wait "$STRATUS_PID" 2>/dev/null || true
    STRATUS_PID=""
done

echo "upload ${SIZE_MIB} MiB: remote node $(mib_s "$SIZE_MIB" "$REMOTE") MiB/s (${REMOTE}s), local policy $(mib_s "$SIZE_MIB" "$LOCAL") MiB/s (${LOCAL}s), time ratio remote/local $(ratio "$REMOTE" "$LOCAL")"
