#!/usr/bin/env bash
# Full-text index: N mixed documents (text, Markdown, HTML, docx, PDF; default 1,000) uploaded
# with search off, then indexed by one `POST /workflow/rebuildFtsIndex`, timed until
# `GET /admin/fts` shows it done; then Q (200) searches of words from the documents.
# Prints documents/s, the server's extra peak RSS during indexing (PostgreSQL's own memory is
# not counted), and query p50/p95 with the server's CPU time per query (which the machine's
# load skews far less than latency), on SQLite then PostgreSQL.
# The goal of issue 37: >= 20 docs/s on 2 cores, <= 150 MiB extra, p95 <= 50 ms at 10,000 docs.
#
#   bash bench/fts.sh
#   N=10000 DATABASES=sqlite bash bench/fts.sh
#   STRATUS_BIN=/path/to/stratus bash bench/fts.sh   # another build (e.g. the previous commit's)
#   PROFILE=debug N=100 bash bench/fts.sh            # check the script quickly
#   N=10000 WORDS=1500 PAD_KIB=250 bash bench/fts.sh   # about 1 GiB of documents
#
# WORDS: words of text in each document (default 300). PAD_KIB: bytes of a picture stored in each
# docx and PDF besides its text (default 0), as office documents carry: the files grow, their
# text does not.
#
# Needs: curl, jq, python3; initdb for PostgreSQL. Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-1000}
Q=${Q:-200}
PROFILE=${PROFILE:-release}
DATABASES=${DATABASES:-sqlite postgres}
source bench/lib.sh

need curl curl
need jq jq
if [[ -n ${STRATUS_BIN:-} ]]; then
    BIN="$WORK/stratus"
    cp "$STRATUS_BIN" "$BIN"
elif [[ $PROFILE == release ]]; then
    build_stratus
else
    cargo build -q -p stratus-server --bin stratus
    BIN="$WORK/stratus"
    cp "$CARGO_TARGET_DIR/debug/stratus" "$BIN"
fi

measure() {
python3 - "$API" "$TOKEN" "$N" "$Q" "$STRATUS_PID" <<'PY'
import http.client, io, json, os, random, statistics, sys, time, urllib.parse, zipfile
sys.dont_write_bytecode = True
sys.path.insert(0, "bench")
from minimal_pdf import pdf
api, token, n, q, pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
u = urllib.parse.urlparse(api)
conn = http.client.HTTPConnection(u.hostname, u.port)
H = {"Authorization": f"Bearer {token}"}

def call(method, path, body=None, raw=None):
    headers = dict(H)
    if body is not None:
        raw = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    conn.request(method, u.path + path, raw, headers)
    r = conn.getresponse()
    data = json.loads(r.read() or b"{}")
    if data.get("code", 0) != 0:
        sys.exit(f"{method} {path}: {data}")
    return data.get("data")

def rss(key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key):
            return int(line.split()[1]) // 1024

random.seed(37)
n_words = int(os.environ.get("WORDS", "300"))
pad = random.randbytes(int(os.environ.get("PAD_KIB", "0")) * 1024)
vocab = [f"w{i:05d}" for i in range(20000)] + ["数据", "中文", "搜索", "文件", "学习", "系统"]
def words(k):
    return " ".join(random.choice(vocab) for _ in range(k))

def docx(text):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        if pad:
            z.writestr("word/media/image1.png", pad, compress_type=zipfile.ZIP_STORED)
        z.writestr("word/document.xml", f'<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return b.getvalue()

kinds = [("txt", lambda t: t.encode()), ("md", lambda t: f"# Title\n\n{t}\n".encode()),
         ("html", lambda t: f"<html><body><p>{t}</p></body></html>".encode()),
         ("docx", docx), ("pdf", lambda t: pdf(" ".join(w for w in t.split() if w.isascii()), picture=pad))]
call("POST", "/file/create", {"uri": "cloudreve://my/Docs", "type": "folder"})
total_bytes = 0
for i in range(n):
    ext, make = kinds[i % len(kinds)]
    body = make(words(n_words))
    total_bytes += len(body)
    uri = f"cloudreve://my/Docs/doc{i:06d}.{ext}"
    call("POST", "/file/create", {"uri": uri, "type": "file"})
    call("PUT", "/file/content?uri=" + urllib.parse.quote(uri), raw=body)

base = rss("VmRSS")
call("PATCH", "/admin/settings", {"settings": {"fts_enabled": "1"}})
start = time.time()
call("POST", "/workflow/rebuildFtsIndex", {})
while True:
    st = call("GET", "/admin/fts")
    if not st["rebuilding"] and st["indexed"] + st["failed"] >= n:
        break
    time.sleep(0.2)
elapsed = time.time() - start
peak = rss("VmHWM")

def cpu_ms():
    # The server's user + system CPU time: what a query costs, whatever the machine's load.
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")

lat = []
cpu0 = cpu_ms()
for _ in range(q):
    term = random.choice(vocab[:20000])
    t0 = time.time()
    call("GET", "/file/search?query=" + urllib.parse.quote(term))
    lat.append((time.time() - t0) * 1000)
cpu = (cpu_ms() - cpu0) / q
lat.sort()
print(f"{n} docs ({total_bytes / 1048576:.1f} MiB), indexed {st['indexed']}, failed {st['failed']}")
print(f"indexing: {elapsed:.1f} s, {n / elapsed:.1f} docs/s")
print(f"RSS: {base} MiB before, peak {peak} MiB (extra <= {peak - base} MiB)")
print(f"query: p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(len(lat) * 0.95)]:.1f} ms ({q} queries), server CPU {cpu:.2f} ms per query")
PY
}

echo "machine: $(nproc) cores, $(uname -r), ${STRATUS_BIN:-$PROFILE build}, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for DB_KIND in $DATABASES; do
    rm -rf "$WORK/data"
    database_args || continue
    "$BIN" --data-dir "$WORK/data" "${DB_ARGS[@]}" create-user --email "$EMAIL" --password "$PASSWORD" --group 1 >/dev/null
    start_stratus "$(free_port)" "${DB_ARGS[@]}"
    TOKEN=$(sign_in)
    echo "== $DB_KIND"
    measure
    stop_stratus
    stop_postgres
done
