#!/usr/bin/env bash
# A trashed tree of ITEMS rows, DEPTH levels deep (140,000 and 7 by default: the tree Cloudreve
# 4.19 runs out of memory on), collected with the server inside a memory cgroup of MEMORY_MAX.
# The tree is written straight into the database (empty files, no blobs: the rows are what
# costs), then moved to the trash and the trash emptied through the API, which purges it in
# pages (`server/src/fs/trash_pages.rs`, setting `trash_purge_page`). Prints each step's time,
# the cgroup's peak and the server's peak RSS (VmHWM), and fails on an OOM kill, an answer
# that is not a success, or a row left behind.
#
#   bash bench/trash_tree.sh
#   STRATUS_BIN=/path/to/stratus ITEMS=140000 DEPTH=7 PAGE=1000 bash bench/trash_tree.sh
#
# The cgroup: cgroup v2 (memory in /sys/fs/cgroup/cgroup.controllers) or the v1 memory
# hierarchy, written directly (root). Needs: curl, jq, python3. Not CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${ITEMS:=140000}" "${DEPTH:=7}" "${MEMORY_MAX:=256M}" "${PAGE:=1000}"
source bench/lib.sh
need curl curl
need jq jq
build_stratus
REAL_BIN=$BIN

limit_bytes=$(numfmt --from=iec "$MEMORY_MAX")
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    CG="/sys/fs/cgroup/stratus-trash-$$" PEAK=memory.peak EVENTS=memory.events
    grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory >/sys/fs/cgroup/cgroup.subtree_control
    mkdir "$CG"
    echo "$limit_bytes" >"$CG/memory.max"
    [[ ! -e $CG/memory.swap.max ]] || echo 0 >"$CG/memory.swap.max"
elif [[ -d /sys/fs/cgroup/memory && -w /sys/fs/cgroup/memory ]]; then
    own=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
    CG="/sys/fs/cgroup/memory${own%/}/stratus-trash-$$" PEAK=memory.max_usage_in_bytes EVENTS=memory.oom_control
    mkdir "$CG"
    echo "$limit_bytes" >"$CG/memory.limit_in_bytes"
else
    echo "no writable memory cgroup" >&2
    exit 1
fi
trap 'bench_cleanup; rmdir "$CG" 2>/dev/null || true' EXIT
printf '#!/bin/sh\necho $$ >"%s/cgroup.procs"\nexec "%s" "$@"\n' "$CG" "$REAL_BIN" >"$WORK/in-cgroup"
chmod +x "$WORK/in-cgroup"

"$REAL_BIN" --data-dir "$WORK/data" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
DB="$WORK/data/../stratus.db"
[[ -f $DB ]] || DB=$(find "$WORK" -name '*.db' | head -1)
python3 - "$DB" "$ITEMS" "$DEPTH" "$PAGE" <<'PY'
import sqlite3, sys
db, items, depth, page = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
c = sqlite3.connect(db)
now = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
# A drive's root is made at its first listing: make the admin's here when it is not there yet.
owner = c.execute("SELECT id FROM users ORDER BY id LIMIT 1").fetchone()[0]
found = c.execute("SELECT id FROM files WHERE parent_id IS NULL AND name = '' AND owner_id = ?", (owner,)).fetchone()
root = found[0] if found else c.execute(
    f"INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, is_symbolic)"
    f" VALUES ({now}, {now}, 1, '', ?, 0, NULL, 0)", (owner,)).lastrowid
def add(parent, name, kind):
    return c.execute(f"INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id,"
                     f" is_symbolic) VALUES ({now}, {now}, ?, ?, ?, 0, ?, 0)",
                     (kind, name, owner, parent)).lastrowid
top = add(root, "tree", 1)
# DEPTH levels of folders, 4 below each, the files spread evenly over them.
levels, folders = [[top]], [top]
for _ in range(depth - 1):
    levels.append([add(p, f"d{i}", 1) for p in levels[-1] for i in range(4)])
    folders += levels[-1]
files = items - len(folders)
for n in range(files):
    add(folders[n % len(folders)], f"f{n}.bin", 0)
c.execute("DELETE FROM settings WHERE name = 'trash_purge_page'")
c.execute(f"INSERT INTO settings (created_at, updated_at, name, value) VALUES ({now}, {now}, 'trash_purge_page', ?)", (page,))
c.commit()
print(f"tree: {len(folders)} folders, {files} files, {len(levels)} levels")
PY

BIN="$WORK/in-cgroup"
PORT=$(free_port)
STRATUS_ENV="RUST_LOG=warn" start_stratus "$PORT"
grep -q "stratus-trash-$$" "/proc/$STRATUS_PID/cgroup" || { echo "the server is not in $CG" >&2; exit 1; }
TOKEN=$(sign_in)
echo "cgroup: $CG, limit $MEMORY_MAX, page $PAGE rows"

step() {
    local name=$1 method=$2 path=$3 body=$4 start answer
    echo 0 >"$CG/$PEAK" 2>/dev/null || true
    start=$(date +%s.%N)
    answer=$(curl -s --max-time 3600 -X "$method" -H "Authorization: Bearer $TOKEN" \
        -H 'content-type: application/json' -d "$body" "$API$path")
    printf '%-12s %6.1f s  cgroup peak %4d MiB  server VmHWM %4d MiB  answer %s\n' "$name" \
        "$(echo "$(date +%s.%N) - $start" | bc)" "$(($(cat "$CG/$PEAK") >> 20))" \
        "$(($(awk '/VmHWM/ { print $2 }' "/proc/$STRATUS_PID/status") >> 10))" "$(jq -c .code <<<"$answer")"
    [[ $(jq .code <<<"$answer") == 0 ]] || { echo "$answer" >&2; exit 1; }
}
step "trash" DELETE /file '{"uris":["cloudreve://my/tree"]}'
step "empty trash" DELETE /file/trash '{}'
kill -0 "$STRATUS_PID" || { echo "the server died (OOM?)" >&2; exit 1; }
grep -q "oom_kill [1-9]\|^oom_kill [1-9]" "$CG/$EVENTS" 2>/dev/null && { echo "OOM kill" >&2; exit 1; }
left=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM files WHERE name <> ''\").fetchone()[0])" "$DB")
echo "rows left: $left"
[[ $left == 0 ]]
