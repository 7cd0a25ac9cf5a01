#!/usr/bin/env bash
# The whole drive inside 256 MiB: a release `stratus serve` (SQLite, local storage) in a memory
# cgroup limited to MEMORY_MAX, with the tools it runs (thumbnailers) as its children in the
# same cgroup, through one scripted mix run all at once:
#   - CLIENTS clients of mixed API/WebDAV load for LOAD_SECONDS (bench/chaos.py's clients:
#     listing, small WebDAV PUTs and GETs, signed downloads, renames, shares, LOCK/UNLOCK);
#   - one upload of UPLOAD_MIB through the chunked upload API, its bytes made by a generator
#     as they are sent (nothing on the client's disk), then downloaded and hashed as a stream;
#   - the extraction of a zip holding EXTRACT_MIB (16 files; deflated, so the archive is small);
#   - THUMBS thumbnails of bench/thumbs.sh's media (3 pictures, 1 video, 1 PDF in every 5).
# It prints the cgroup's peak (page cache included, so near the limit after big writes: the
# kernel reclaims cache before it kills anything), the peak of its anonymous memory (sampled
# every 200 ms), the OOM events, and every answer that is not a success (HTTP status outside
# 2xx, an envelope with a non-zero code, a cut connection). It fails on an OOM kill, on any such
# answer, on an extraction or thumbnail that did not complete, and on an upload read back
# changed.
#
#   bash bench/memory_cgroup.sh                              # the full mix
#   CLIENTS=20 LOAD_SECONDS=15 UPLOAD_MIB=256 EXTRACT_MIB=64 THUMBS=50 bash bench/memory_cgroup.sh
#   STRATUS_BIN=/path/to/release/stratus bash bench/memory_cgroup.sh
#   KEEP_LOG=/tmp/stratus.log bash bench/memory_cgroup.sh    # keep the server's log
#   DB=postgres bash bench/memory_cgroup.sh   # on a throwaway PostgreSQL cluster (outside the group)
#
# The cgroup: with cgroup v2 (memory in /sys/fs/cgroup/cgroup.controllers) a new group under
# /sys/fs/cgroup with memory.max (and memory.swap.max=0); with the v1 memory hierarchy a child
# of this script's own memory group with memory.limit_in_bytes (so any limit the caller already
# has still applies); else `systemd-run --scope -p MemoryMax=...`. Needs root for the first
# two. The group is removed at exit, as are the data folder and the big files.
#
# Needs: curl, jq, python3, ffmpeg, vips (libvips-tools), pdftoppm (poppler-utils). Not CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${CLIENTS:=200}" "${USERS:=10}" "${LOAD_SECONDS:=60}" "${UPLOAD_MIB:=4096}"
: "${EXTRACT_MIB:=1024}" "${THUMBS:=1000}" "${MEMORY_MAX:=256M}" "${VERIFY:=1}"
DB_KIND=${DB:-sqlite}
source bench/lib.sh

need curl curl
need jq jq
need ffmpeg ffmpeg
need vips libvips-tools
need pdftoppm poppler-utils

# The upload and the extracted files live on the data folder's disk (the archive is small).
need_mib=$((UPLOAD_MIB + EXTRACT_MIB + 1024))
free_mib=$(df -Pm "$WORK" | awk 'NR == 2 { print $4 }')
echo "disk: $free_mib MiB free in $WORK, $need_mib MiB needed"
((free_mib >= need_mib)) || { echo "not enough disk" >&2; exit 1; }

if [[ -n ${STRATUS_BIN:-} ]]; then
    BIN="$WORK/stratus"
    cp "$STRATUS_BIN" "$BIN"
else
    build_stratus
fi
REAL_BIN=$BIN
make_media "$WORK/media"

# The cgroup, and a wrapper that enters it before it becomes the server.
CG="" CG_KIND=""
limit_bytes=$(numfmt --from=iec "$MEMORY_MAX")
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    CG_KIND=v2
    CG="/sys/fs/cgroup/stratus-memory-$$"
    grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory >/sys/fs/cgroup/cgroup.subtree_control
    mkdir "$CG"
    echo "$limit_bytes" >"$CG/memory.max"
    [[ ! -e $CG/memory.swap.max ]] || echo 0 >"$CG/memory.swap.max"
elif [[ -d /sys/fs/cgroup/memory && -w /sys/fs/cgroup/memory ]]; then
    CG_KIND=v1
    own=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
    CG="/sys/fs/cgroup/memory${own%/}/stratus-memory-$$"
    mkdir "$CG"
    echo "$limit_bytes" >"$CG/memory.limit_in_bytes"
    [[ ! -e $CG/memory.memsw.limit_in_bytes ]] || echo "$limit_bytes" >"$CG/memory.memsw.limit_in_bytes"
elif command -v systemd-run >/dev/null && systemd-run --scope -q -p MemoryMax=1G true 2>/dev/null; then
    CG_KIND=systemd
else
    echo "no writable memory cgroup and no working systemd-run" >&2
    exit 1
fi
remove_cgroup() {
    [[ -n $CG && -d $CG ]] || return 0
    local _
    for _ in $(seq 50); do rmdir "$CG" 2>/dev/null && return 0; sleep 0.1; done
    echo "could not remove $CG" >&2
}
trap 'bench_cleanup; remove_cgroup' EXIT

cat >"$WORK/in-cgroup" <<EOF
#!/bin/sh
exec "$REAL_BIN" "\$@"
EOF
if [[ $CG_KIND == systemd ]]; then
    cat >"$WORK/in-cgroup" <<EOF
#!/bin/sh
exec systemd-run --scope -q -p MemoryMax=$MEMORY_MAX -p MemorySwapMax=0 "$REAL_BIN" "\$@"
EOF
else
    sed -i "2i echo \$\$ >\"$CG/cgroup.procs\"" "$WORK/in-cgroup"
fi
chmod +x "$WORK/in-cgroup"

database_args || exit 1
"$REAL_BIN" --data-dir "$WORK/data" "${DB_ARGS[@]}" create-admin --email "$EMAIL" --password "$PASSWORD" >/dev/null
PORT=$(free_port)
# Signed links (the downloads) name the address the clients reach.
now="strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
[[ $DB_KIND == sqlite ]] || now="NOW()"
run_sql "DELETE FROM settings WHERE name = 'siteURL';
    INSERT INTO settings (created_at, updated_at, name, value)
    VALUES ($now, $now, 'siteURL', 'http://127.0.0.1:$PORT');"
BIN="$WORK/in-cgroup"
# The clients all come from 127.0.0.1: not held to the per-address connection limit.
STRATUS_ENV="STRATUS_HTTP_MAX_CONNECTIONS_PER_ADDRESS=0 RUST_LOG=warn" start_stratus "$PORT" "${DB_ARGS[@]}"
if [[ $CG_KIND == systemd ]]; then
    CG="/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$STRATUS_PID/cgroup")"
    [[ -d $CG ]] || CG="/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' "/proc/$STRATUS_PID/cgroup")"
fi
grep -q "stratus-memory-$$\|scope" "/proc/$STRATUS_PID/cgroup" || { echo "the server is not in $CG" >&2; exit 1; }
echo "cgroup ($CG_KIND): $CG, limit $MEMORY_MAX"
echo "load: $(uptime)"

status=0
PG_URL=${PG_URL:-} python3 -B - "http://127.0.0.1:$PORT" "$EMAIL" "$PASSWORD" "$CG" "$CG_KIND" "$WORK" \
    "$CLIENTS" "$USERS" "$LOAD_SECONDS" "$UPLOAD_MIB" "$EXTRACT_MIB" "$THUMBS" "$VERIFY" \
    <<'PY' || status=$?
import argparse, hashlib, http.client, io, json, os, random, sqlite3, subprocess, sys, threading, time
import urllib.parse, zipfile
sys.path.insert(0, "bench")
from chaos import Client, Run

(base, email, password, cg, cg_kind, work, clients, users, load_s, upload_mib, extract_mib,
 thumbs, verify) = sys.argv[1:]
clients, users, load_s = int(clients), int(users), int(load_s)
upload_mib, extract_mib, thumbs, verify = int(upload_mib), int(extract_mib), int(thumbs), verify == "1"
args = argparse.Namespace(balancer=base, password=password, bucket_group=1, uploads=1,
                          upload_mib=upload_mib, work=work, ports=[])
run = Run(args)
errors = []  # every answer that is not a success


class Mix(Client):
    """chaos.py's client, recording every answer that is not a success."""

    def raw(self, method, url, body=None, headers=None, kind="?"):
        got = super().raw(method, url, body, headers, kind)
        what = None
        if got is None:
            what = "cut"
        elif not 200 <= got[0] < 300:
            what = f"HTTP {got[0]}"
        elif (got[1].get("Content-Type", "").startswith("application/json")
              and len(got[2]) < 1 << 20):
            code = json.loads(got[2] or b"{}").get("code", 0)
            if code:
                what = f"code {code}: {json.loads(got[2]).get('msg', '')[:80]}"
        if what:
            with run.lock:
                errors.append(f"{kind} {method} {urllib.parse.urlparse(url).path[:80]}: {what}")
        return got


def cg_file(name):
    with open(os.path.join(cg, name)) as f:
        return f.read()


def anon_bytes():
    stat = dict(line.split() for line in cg_file("memory.stat").splitlines())
    return int(stat["anon"] if cg_kind != "v1" else stat["total_rss"])


peak_anon = [0]
def sample():
    while not run.stop.wait(0.2):
        try:
            peak_anon[0] = max(peak_anon[0], anon_bytes())
        except OSError:
            pass


admin = Mix(run, -1)
admin.token = ""
signed = admin.api("POST", "/session/token", {"email": email, "password": password})
admin.token = signed["data"]["token"]["access_token"]
admin.email = email


def as_admin(n):
    """A connection of its own, signed in as the administrator."""
    c = Mix(run, n)
    c.token, c.email = admin.token, email
    return c


made = [Mix(run, n) for n in range(clients)]
owners = made[:max(1, min(users, clients))]
for batch in ([threading.Thread(target=u.make_user, args=(admin.token,)) for u in owners],
              [threading.Thread(target=c.make_folder, args=(owners[c.n % len(owners)],))
               for c in made]):
    for t in batch:
        t.start()
    for t in batch:
        t.join()
print(f"{clients} clients set up", flush=True)
threading.Thread(target=sample, daemon=True).start()
t0 = time.time()


def upload():
    """The big upload (chaos.py's chunked upload, bytes generated per chunk), read back."""
    admin = as_admin(-2)
    started = time.time()
    admin.upload(0)
    if not run.uploads:
        return
    print(f"upload of {upload_mib} MiB: {time.time() - started:.0f}s", flush=True)
    if not verify:
        return
    u = run.uploads[0]
    r = admin.api("POST", "/file/url", {"uris": [u["uri"]]}, kind="verify")
    url = urllib.parse.urlparse(r["data"]["urls"][0]["url"])
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=600)
    conn.request("GET", url.path + "?" + url.query)
    resp = conn.getresponse()
    sha = hashlib.sha256()
    while block := resp.read(1 << 20):
        sha.update(block)
    if resp.status != 200 or sha.hexdigest() != u["sha"]:
        run.fail(f"the upload reads back changed (HTTP {resp.status})")
    print(f"read back after {time.time() - started:.0f}s", flush=True)


def extract():
    """A zip of 16 files holding extract_mib in all: a 16 KiB random block repeated, which
    deflate shrinks to about a thousandth; extracted into a folder of its own."""
    admin = as_admin(-3)
    block = random.Random(1).randbytes(16 << 10)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(16):
            with z.open(f"part-{i:02}.bin", "w", force_zip64=True) as f:
                for _ in range((extract_mib << 20) // 16 // len(block)):
                    f.write(block)
    uri = "cloudreve://my/bundle.zip"
    admin.api("POST", "/file/create", {"uri": uri, "type": "file"}, kind="extract")
    admin.raw("PUT", "/api/v4/file/content?uri=" + urllib.parse.quote(uri), buf.getvalue(),
              {"Authorization": f"Bearer {admin.token}"}, "extract")
    admin.api("POST", "/file/create", {"uri": "cloudreve://my/unpacked", "type": "folder"},
              kind="extract")
    started = time.time()
    r = admin.api("POST", "/workflow/extract",
                  {"src": [uri], "dst": "cloudreve://my/unpacked"}, "extract", False)
    if not r or r["code"]:
        run.fail(f"the extraction was refused: {r}")
        return
    row = None
    while time.time() < started + 1800:
        row = task_status("extract_archive")
        if row and row[0] in ("completed", "error", "canceled"):
            break
        time.sleep(1)
    if not row or row[0] != "completed":
        run.fail(f"the extraction ended {row and row[0]}")
    print(f"extraction of {extract_mib} MiB ({len(buf.getvalue()) >> 10} KiB zipped): "
          f"{row and row[0]} after {time.time() - started:.0f}s", flush=True)


def task_status(kind):
    """The status of the task of `kind`, read from the database (SQLite or PostgreSQL)."""
    sql = f"SELECT status FROM tasks WHERE type = '{kind}'"
    if os.environ.get("PG_URL"):
        out = subprocess.run(["psql", "-q", "-X", "-t", "-A", os.environ["PG_URL"], "-c", sql],
                             capture_output=True, text=True).stdout.strip()
        return (out,) if out else None
    db = sqlite3.connect(os.path.join(work, "data", "stratus.db"), timeout=30)
    try:
        return db.execute(sql).fetchone()
    finally:
        db.close()


def thumbnails():
    """bench/thumbs.sh's media, uploaded once per file, and a thumbnail of each."""
    admin = as_admin(-4)
    admin.api("PATCH", "/admin/settings", {"settings": {
        "thumb_builtin_enabled": "0", "thumb_vips_enabled": "1", "thumb_vips_exts": "png",
        "thumb_ffmpeg_enabled": "1", "thumb_poppler_enabled": "1"}}, kind="thumb")
    media = {ext: open(f"{work}/media/{name}", "rb").read()
             for ext, name in [("png", "pic.png"), ("mp4", "clip.mp4"), ("pdf", "doc.pdf")]}
    mix = ["png", "png", "png", "mp4", "pdf"]
    admin.api("POST", "/file/create", {"uri": "cloudreve://my/Media", "type": "folder"},
              kind="thumb")
    started = time.time()
    made = [0]
    def worker(k):
        c = as_admin(-100 - k)
        for i in range(k, thumbs, 4):
            ext = mix[i % len(mix)]
            uri = f"cloudreve://my/Media/f{i:05}.{ext}"
            c.api("POST", "/file/create", {"uri": uri, "type": "file"}, kind="thumb")
            c.raw("PUT", "/api/v4/file/content?uri=" + urllib.parse.quote(uri), media[ext],
                  {"Authorization": f"Bearer {c.token}"}, "thumb")
            r = c.api("GET", "/file/thumb?uri=" + urllib.parse.quote(uri), kind="thumb")
            if r and r["code"] == 0:
                with run.lock:
                    made[0] += 1
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"thumbnails: {made[0]} of {thumbs} after {time.time() - started:.0f}s", flush=True)
    if made[0] != thumbs:
        run.fail(f"thumbnails: {made[0]} of {thumbs}")


jobs = [threading.Thread(target=f) for f in (upload, extract, thumbnails)]
jobs += [threading.Thread(target=c.work, args=(t0 + load_s, [], None)) for c in made]
for t in jobs:
    t.start()
for t in jobs:
    t.join()
run.stop.set()
ops = {}
for kind, _, _, ok in run.samples:
    ops.setdefault(kind, [0, 0])[ok] += 1
print("load:", ", ".join(f"{k} {v[1]}/{sum(v)}" for k, v in sorted(ops.items())),
      f"in {load_s}s", flush=True)

if cg_kind == "v1":
    peak = int(cg_file("memory.max_usage_in_bytes"))
    oom = dict(line.split() for line in cg_file("memory.oom_control").splitlines())
    events = {"oom": int(cg_file("memory.failcnt")), "oom_kill": int(oom.get("oom_kill", 0))}
    events_text = f"failcnt {events['oom']} (limit hits), oom_kill {events['oom_kill']}"
else:
    peak = int(cg_file("memory.peak"))
    events = dict((k, int(v)) for k, v in (l.split() for l in cg_file("memory.events").splitlines()))
    events_text = " ".join(f"{k} {v}" for k, v in events.items())
print(f"peak: {peak / 2**20:.1f} MiB (page cache included); anonymous {peak_anon[0] / 2**20:.1f} MiB")
print(f"events: {events_text}")
print(f"answers that were not a success: {len(errors)}")
for e in errors[:30]:
    print("  ", e)
for f in run.failures:
    print("FAIL:", f)
bad = events.get("oom_kill", 0) or errors or run.failures
sys.exit(1 if bad else 0)
PY

if ! kill -0 "$STRATUS_PID" 2>/dev/null; then
    echo "the server is gone (killed?)"
    status=1
fi
grep -n "panicked at\| ERROR \| WARN " "$WORK/stratus.log" | head -20 || true
# KEEP_LOG=path keeps the server's log, to read what a failed answer was about.
if [[ -n "${KEEP_LOG:-}" ]]; then cp "$WORK/stratus.log" "$KEEP_LOG"; fi
echo "machine: $(nproc) cores, $(uptime)"
exit "$status"
