"""Small WebDAV requests for bench/webdav.sh: COUNT PUTs, GETs or DELETEs of 4 KiB files at
URL/puts over CONC keep-alive connections, with the server's CPU time read from /proc around
the batch.

    python3 dav_small.py put|get|delete URL PREFIX COUNT CONC USER PASSWORD PID...

Prints `seconds cpu_us_per_request`: the wall time of the batch, and the CPU time (user and
system, every thread) that the processes PID and their children used during it, per request.
A GET checks that the answer is the 4 KiB a PUT of the same name stored.
"""

import base64
import http.client
import os
import sys
import threading
import time
import urllib.parse

BODY = bytes(range(256)) * 16
TICK = os.sysconf("SC_CLK_TCK")


def tree(roots):
    """`roots` and every process whose parent is in the set (one level is enough here:
    Apache's workers, PostgreSQL's backends)."""
    pids = set(roots)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) in roots:
            pids.add(int(entry))
    return pids


def cpu_ticks(roots):
    total = 0
    for pid in tree(roots):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def main():
    method, base, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
    total, conc = int(sys.argv[4]), int(sys.argv[5])
    user, password = sys.argv[6], sys.argv[7]
    roots = {int(p) for p in sys.argv[8:]}
    u = urllib.parse.urlparse(base)
    auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    errors = []

    def worker(t):
        c = http.client.HTTPConnection(u.hostname, u.port)
        for i in range(t, total, conc):
            path = f"{u.path}/puts/{prefix}-{i:05d}.bin"
            if method == "put":
                c.request("PUT", path, BODY, {"Authorization": auth, "Content-Length": "4096"})
                r = c.getresponse()
                r.read()
                if r.status not in (200, 201, 204):
                    errors.append(f"PUT {r.status}")
            elif method == "delete":
                c.request("DELETE", path, headers={"Authorization": auth})
                r = c.getresponse()
                r.read()
                if r.status != 204:
                    errors.append(f"DELETE {r.status}")
            else:
                c.request("GET", path, headers={"Authorization": auth})
                r = c.getresponse()
                got = r.read()
                if r.status != 200 or got != BODY:
                    errors.append(f"GET {r.status}, {len(got)} bytes")

    before = cpu_ticks(roots)
    start = time.time()
    threads = [threading.Thread(target=worker, args=(t,)) for t in range(conc)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.time() - start
    used = cpu_ticks(roots) - before
    if errors:
        sys.exit(f"{len(errors)} of {total} requests failed, e.g. {errors[0]}")
    print(f"{elapsed:.3f} {used / TICK / total * 1e6:.0f}")


main()
