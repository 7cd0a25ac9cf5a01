#!/usr/bin/env bash
# Idle memory of `stratus serve` (release build, SQLite): its resident set size when idle after
# the start, after a first sign-in, and after a WebDAV load (PROPFIND Depth 1 of a folder of N
# entries, a GET of GET_MIB MiB, PUTS PUTs of 4 KiB at concurrency CONC), sampled right after
# the load and again after IDLE seconds with no request. With where the resident memory lies
# (/proc/<pid>/smaps): the heap of the Rust allocator (mimalloc), the C heap (glibc's malloc,
# which SQLite uses for its page caches and statements), thread stacks, and the mapped binary.
#
#   bash bench/idle_memory.sh
#   IDLE=120 PUTS=4000 bash bench/idle_memory.sh
#   STRATUS_ENV="MIMALLOC_PURGE_DELAY=0" bash bench/idle_memory.sh   # try allocator options
#
# Needs (installed with apt-get when missing): sqlite3, curl, jq, python3. Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-10000}
GET_MIB=${GET_MIB:-256}
PUTS=${PUTS:-2000}
CONC=${CONC:-16}
IDLE=${IDLE:-60}
source bench/lib.sh

need sqlite3 sqlite3
need curl curl
need jq jq
build_stratus

rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$STRATUS_PID/status"; }

# Resident KiB by kind of mapping, from smaps: named files, the main heap, stacks, and the
# anonymous mappings, split by size (mimalloc reserves its arenas 1 GiB at a time, glibc its
# per-thread heaps, where SQLite's memory lives, 64 MiB at a time).
breakdown() {
    python3 - "$STRATUS_PID" <<'PY'
import re, sys
pid = sys.argv[1]
kinds = {}
cur = None
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
    if m:
        size = int(m.group(2), 16) - int(m.group(1), 16)
        name = m.group(3).strip()
        if name.startswith("/"):
            cur = "binary and libraries"
        elif name == "[heap]":
            cur = "C heap (brk)"
        elif name.startswith("[stack"):
            cur = "stacks"
        elif name:
            cur = name
        elif size >= 256 << 20:
            cur = "mimalloc arenas (the Rust heap)"
        else:
            cur = "other anonymous (glibc heaps of threads: SQLite; stacks)"
        continue
    if line.startswith("Rss:") and cur:
        kinds[cur] = kinds.get(cur, 0) + int(line.split()[1])
for kind, kib in sorted(kinds.items(), key=lambda kv: -kv[1]):
    if kib >= 512:
        print(f"    {kib / 1024:6.1f} MiB  {kind}")
PY
}

report() { # label
    echo "$1: RSS $(rss_mib) MiB, threads $(awk '/^Threads/ {print $2}' "/proc/$STRATUS_PID/status")"
    breakdown
}

"$BIN" --data-dir "$WORK/data" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
start_stratus "$(free_port)"
sleep 5
report "idle after the start"

TOKEN=$(sign_in)
sleep 5
report "idle after a first sign-in"

dav_setup
head -c "$((GET_MIB << 20))" /dev/urandom >"$WORK/big.bin"
curl -fs -u "$EMAIL:$DAVPW" -T "$WORK/big.bin" "$DAV/big.bin" >/dev/null
rm "$WORK/big.bin"
for _ in 1 2 3 4 5; do
    curl -fs -o /dev/null -u "$EMAIL:$DAVPW" -X PROPFIND -H 'Depth: 1' "$DAV/Big/"
done
curl -fs -o /dev/null -u "$EMAIL:$DAVPW" "$DAV/big.bin"
dav_puts "$DAV" p "$PUTS" >/dev/null
echo "peak RSS during the load: $(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$STRATUS_PID/status") MiB"
sleep 2
report "right after the WebDAV load"
sleep "$IDLE"
report "idle ${IDLE} s after the WebDAV load"
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%F), release build, SQLite${STRATUS_ENV:+, env: $STRATUS_ENV}"
