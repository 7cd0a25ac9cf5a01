#!/usr/bin/env bash
# Thumbnails of mixed media through the server, against the same tools run by hand in the
# same run. N files (default 500): 60 % pictures (PNG, 1024 × 768), 20 % one-second videos
# (H.264, 640 × 480), 20 % one-page PDFs, made here by ffmpeg and a small PDF writer and
# uploaded first. The server makes them with libvips (pictures; the built-in decoder is off so
# both sides run the same tools), ffmpeg and poppler, C requests at a time (default: the CPU
# count, the server's own limit); the reference runs the same commands on copies of the same
# files with `xargs -P C` in a shell. Prints both times, the rate ratio (goal of issue 38:
# >= 0.8) and the peak memory of the server with its children (the tools it runs), sampled
# every 20 ms, next to the reference's largest tool.
#
#   bash bench/thumbs.sh
#   N=100 bash bench/thumbs.sh
#   PROFILE=debug N=30 bash bench/thumbs.sh   # check the script quickly
#   STRATUS_BIN=/path/to/stratus bash bench/thumbs.sh   # a release binary built elsewhere
#   KINDS=mp4 bash bench/thumbs.sh     # only some kinds (comma-separated: png, mp4, pdf)
#
# Besides wall time, both sides' CPU seconds are printed (the server's own and its tools',
# against the shell's tools): unlike the rates, they hardly move with the load of a shared
# machine. The background tasks the uploads start (media metadata) are waited for first.
#
# Needs: curl, jq, python3, ffmpeg, vips (libvips-tools), pdftoppm (poppler-utils). Not CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-500}
KINDS=${KINDS:-png,mp4,pdf}
C=${C:-$(nproc)}
PROFILE=${PROFILE:-release}
source bench/lib.sh

need curl curl
need jq jq
need ffmpeg ffmpeg
need vips libvips-tools
need pdftoppm poppler-utils
if [[ -n ${STRATUS_BIN:-} ]]; then
    # A release build made elsewhere (when building one here takes too long).
    BIN="$WORK/stratus"
    cp "$STRATUS_BIN" "$BIN"
elif [[ $PROFILE == release ]]; then
    build_stratus
else
    cargo build -q -p stratus-server --bin stratus
    BIN="$WORK/stratus"
    cp "$CARGO_TARGET_DIR/debug/stratus" "$BIN"
fi

# The media, once each; every upload is its own blob, so each is rendered anew.
make_media "$WORK/media"

PORT=$(free_port)
"$BIN" --data-dir "$WORK/data" create-user --email "$EMAIL" --password "$PASSWORD" --group 1 >/dev/null
start_stratus "$PORT"
TOKEN=$(sign_in)

python3 - "$API" "$TOKEN" "$N" "$C" "$STRATUS_PID" "$WORK" "$KINDS" <<'PY'
import http.client, json, os, resource, shutil, subprocess, sys, threading, time, urllib.parse
api, token, n, conc, pid, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
kinds = [k.strip() for k in sys.argv[7].split(",") if k.strip()]
u = urllib.parse.urlparse(api)
H = {"Authorization": f"Bearer {token}"}
local = threading.local()

def call(method, path, body=None, raw=None):
    if not hasattr(local, "conn"):
        local.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    headers = dict(H)
    if body is not None:
        raw = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    local.conn.request(method, u.path + path, raw, headers)
    r = local.conn.getresponse()
    data = json.loads(r.read() or b"{}")
    if data.get("code", 0) != 0:
        raise RuntimeError(f"{method} {path}: {data}")
    return data.get("data")

media = {ext: open(f"{work}/media/{name}", "rb").read()
         for ext, name in [("png", "pic.png"), ("mp4", "clip.mp4"), ("pdf", "doc.pdf")]}
# The mix: 3 pictures, 1 video, 1 PDF in every 5 files, among the kinds asked for.
mix = [k for k in ("png", "png", "png", "mp4", "pdf") if k in kinds]
if not mix:
    sys.exit(f"KINDS: none of png, mp4, pdf in {sys.argv[7]!r}")
def kind(i):
    return mix[i % len(mix)]
names = [f"f{i:05d}.{kind(i)}" for i in range(n)]

call("PATCH", "/admin/settings", {"settings": {
    "thumb_builtin_enabled": "0", "thumb_vips_enabled": "1", "thumb_vips_exts": "png",
    "thumb_ffmpeg_enabled": "1", "thumb_ffmpeg_extra_args": "", "thumb_poppler_enabled": "1",
    "thumb_width": "400", "thumb_height": "300", "thumb_encode_method": "jpg",
    "queue_thumb_worker_num": str(conc)}})
call("POST", "/file/create", {"uri": "cloudreve://my/Media", "type": "folder"})
for name in names:
    uri = f"cloudreve://my/Media/{name}"
    call("POST", "/file/create", {"uri": uri, "type": "file"})
    call("PUT", "/file/content?uri=" + urllib.parse.quote(uri), raw=media[name.rsplit(".", 1)[1]])

def cpu_seconds(p):
    """(own, reaped children's) CPU seconds of process `p`."""
    f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(f[11]) + int(f[12])) / tick, (int(f[13]) + int(f[14])) / tick

# The uploads queue media-metadata tasks: let them end so they are not timed with thumbnails.
settle = time.time()
while time.time() - settle < 300:
    busy = [m for m in call("GET", "/admin/queue/metrics")
            if m["busy_workers"] or m["submitted_tasks"] > m["success_tasks"] + m["failure_tasks"]]
    if not busy:
        break
    time.sleep(0.2)

def tree_rss(root):
    """RSS in KiB of `root` and every process below it."""
    kids, total = {}, 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            stat = open(f"/proc/{p}/stat").read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(p))
        except (OSError, ValueError, IndexError):
            pass
    todo = [root]
    while todo:
        p = todo.pop()
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS"):
                    total += int(line.split()[1])
        except OSError:
            pass
        todo.extend(kids.get(p, []))
    return total

class Peak:
    def __init__(self, root):
        self.root, self.peak, self.stop = root, 0, False
        self.t = threading.Thread(target=self.run); self.t.start()
    def run(self):
        while not self.stop:
            self.peak = max(self.peak, tree_rss(self.root)); time.sleep(0.02)
    def done(self):
        self.stop = True; self.t.join(); return self.peak // 1024

base = tree_rss(pid) // 1024
failed = []
def worker(t):
    for i in range(t, n, conc):
        try:
            call("GET", "/file/thumb?uri=" + urllib.parse.quote(f"cloudreve://my/Media/{names[i]}"))
        except RuntimeError as e:
            failed.append(str(e))
peak = Peak(pid)
cpu0 = cpu_seconds(pid)
start = time.time()
threads = [threading.Thread(target=worker, args=(t,)) for t in range(conc)]
for th in threads: th.start()
for th in threads: th.join()
server_s = time.time() - start
server_peak = peak.done()
cpu1 = cpu_seconds(pid)
server_cpu, server_tools_cpu = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]

# The same tools by hand, on copies of the same files, in a shell.
hand = f"{work}/hand"
os.makedirs(hand)
for name in names:
    shutil.copyfile(f"{work}/media/" + {"png": "pic.png", "mp4": "clip.mp4", "pdf": "doc.pdf"}[name.rsplit(".", 1)[1]], f"{hand}/{name}")
script = r'''
f=$1; d=$(mktemp -d "$HAND/run.XXXX"); cd "$d"
case $f in
  *.png) vips thumbnail "$HAND/$f" out.png 400 --height 300 --size down ;;
  *.mp4) # A clip shorter than the seek position gives no frame (and exits 0): take the first.
         for ss in 00:00:01.00 0; do
           test -s out.png && break
           ffmpeg -hide_banner -nostdin -loglevel error -ss $ss -i "$HAND/$f" -frames:v 1 -an \
             -vf "scale=w=min(400\,iw):h=min(300\,ih):force_original_aspect_ratio=decrease" -update 1 -y out.png
         done ;;
  *.pdf) pdftoppm -f 1 -l 1 -singlefile -png -scale-to 400 "$HAND/$f" out ;;
esac
ok=0; test -s out.png || ok=1; cd /; rm -rf "$d"; exit $ok
'''
open(f"{work}/hand.sh", "w").write(script)
listing = "\n".join(names) + "\n"
peak = Peak(os.getpid())
hand_cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.time()
subprocess.run(["sh", "-c", f'HAND={hand} xargs -P {conc} -n 1 sh {work}/hand.sh'], input=listing.encode(), check=True)
hand_s = time.time() - start
hand_cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
hand_cpu = (hand_cpu1.ru_utime + hand_cpu1.ru_stime) - (hand_cpu0.ru_utime + hand_cpu0.ru_stime)
hand_peak = peak.done() - tree_rss(os.getpid()) // 1024

counts = {k: sum(1 for x in names if x.endswith(k)) for k in ("png", "mp4", "pdf")}
print(f"{n} files ({counts['png']} PNG, {counts['mp4']} MP4, {counts['pdf']} PDF), {conc} at a time, {len(failed)} failed")
if failed:
    print("  e.g.", failed[0])
print(f"server: {server_s:.2f} s, {n / server_s:.1f} thumbnails/s; peak RSS with children {server_peak} MiB (idle {base} MiB)")
print(f"by hand: {hand_s:.2f} s, {n / hand_s:.1f} thumbnails/s; peak RSS of the tools {max(hand_peak, 0)} MiB")
print(f"CPU: server {server_cpu:.2f} s + its tools {server_tools_cpu:.2f} s = {(server_cpu + server_tools_cpu) * 1000 / n:.1f} ms/file; "
      f"by hand {hand_cpu:.2f} s = {hand_cpu * 1000 / n:.1f} ms/file")
print(f"rate ratio (server / by hand): {hand_s / server_s:.2f}; CPU ratio (by hand / server): {hand_cpu / max(server_cpu + server_tools_cpu, 1e-9):.2f}")
PY
echo "profile: $PROFILE, $(nproc) cores, $(uname -r)"
