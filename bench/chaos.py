"""The driver of bench/chaos.sh: starts the three instances, runs the clients while one instance
at a time is SIGKILLed and started again, then checks what the clients saw and what is stored.
Python standard library only. Every loop is bounded in count and time."""

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse

from chaos_checks import LOCK_SECONDS, check_all, report

LOCKINFO = (
    '<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope>'
    "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
    "<D:owner>chaos</D:owner></D:lockinfo>"
)
OPS = [("list", 25), ("dav_put", 20), ("dav_get", 15), ("download", 15), ("rename", 8),
       ("share", 5), ("lock", 5)]


class Run:
    """What every thread shares: the arguments, the instances, the timings and the records."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.procs = [None] * len(args.ports)
        self.kills = []  # (port, killed at, answering again at)
        self.first_kill = None
        self.samples = []  # (kind, started, seconds, ok)
        self.client_5xx = []  # (time, status, kind)
        self.uploads = []  # dicts: uri, sha, ok
        self.tasks = []  # (kind, uri) answered
        self.locks = []  # (dav path, locked at, unlocked)
        self.failures = []
        self.stop = threading.Event()

    def sample(self, kind, started, ok):
        with self.lock:
            self.samples.append((kind, started, time.time() - started, ok))

    def fail(self, what):
        with self.lock:
            self.failures.append(what)
        print("FAIL:", what, file=sys.stderr, flush=True)


def start_instance(run, i):
    a = run.args
    log = open(os.path.join(a.work, f"stratus-{i}.log"), "ab")
    proc = subprocess.Popen(
        [a.bin, "--data-dir", os.path.join(a.work, "data"), "--database-url", a.database_url,
         "--listen", f"127.0.0.1:{a.ports[i]}", "serve"],
        stdout=log, stderr=subprocess.STDOUT,
        # Behind the balancer: its connections carry many clients, not held to the
        # per-address connection limit.
        env=dict(os.environ, STRATUS_PROXY_HEADER="X-Forwarded-For"))
    run.procs[i] = proc
    with open(os.path.join(a.work, f"stratus-{i}.pid"), "w") as f:
        f.write(str(proc.pid))
    # Generous: a debug build on a loaded machine may take a minute to come up.
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        try:
            c = http.client.HTTPConnection("127.0.0.1", a.ports[i], timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return time.time()
        except OSError:
            pass
        time.sleep(0.1)
    with open(os.path.join(a.work, f"stratus-{i}.log"), "rb") as f:
        tail = f.read()[-2000:].decode(errors="replace")
    raise RuntimeError(f"instance {i} did not start (exit {proc.poll()}): {tail}")


def killer(run):
    """Every KILL_EVERY seconds, one instance (in turn) is SIGKILLed and started again."""
    n = 0
    while not run.stop.wait(run.args.kill_every):
        i = n % len(run.procs)
        n += 1
        killed = time.time()
        run.procs[i].kill()
        run.procs[i].wait()
        with run.lock:
            if run.first_kill is None:
                run.first_kill = killed
        try:
            ready = start_instance(run, i)
        except RuntimeError as e:
            # Recorded, not swallowed: a thread's exception would end the kills unseen.
            run.fail(str(e))
            return
        with run.lock:
            run.kills.append((run.args.ports[i], killed, ready))
        print(f"killed instance {i} at +{killed - run.t0:.0f}s, back after {ready - killed:.1f}s",
              flush=True)


class Client:
    def __init__(self, run, n):
        self.run, self.n = run, n
        self.base = urllib.parse.urlparse(run.args.balancer)
        self.conn = None
        self.rng = random.Random(n)
        self.files = {}  # name in the client's folder -> sha256 of its bytes
        self.count = 0
        self.sent = 0  # requests sent so far
        self.writes = []  # dicts: kind, path, to, sent (requests it took), ok

    # -- HTTP --------------------------------------------------------------------------------
    def raw(self, method, url, body=None, headers=None, kind="?"):
        """One request to the balancer (or an absolute URL); (status, headers, bytes), or None
        when the connection was cut."""
        self.sent += 1
        u = urllib.parse.urlparse(url)
        target = u.path + ("?" + u.query if u.query else "")
        same = not u.netloc or u.netloc == self.base.netloc
        try:
            if same:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.base.hostname, self.base.port,
                                                           timeout=120)
                conn = self.conn
            else:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
            conn.request(method, target, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            if r.status >= 500:
                with self.run.lock:
                    self.run.client_5xx.append((time.time(), r.status, kind))
            return r.status, r.headers, data
        except (OSError, http.client.HTTPException):
            if same:
                self.conn = None
            return None

    def retried(self, method, url, body=None, headers=None, kind="?"):
        """As Cloudreve's client: a request cut off or answered 502-504 is sent once more."""
        got = self.raw(method, url, body, headers, kind)
        if got is None or got[0] in (502, 503, 504):
            time.sleep(0.5)
            got = self.raw(method, url, body, headers, kind)
        return got

    def api(self, method, path, payload=None, kind="?", retry=True):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        body = None if payload is None else json.dumps(payload)
        send = self.retried if retry else self.raw
        got = send(method, "/api/v4" + path, body, headers, kind)
        if got is None or got[0] >= 500:
            return None
        return json.loads(got[2])

    def dav(self, method, name, body=None, extra=None, kind="?"):
        headers = {"Authorization": self.dav_auth}
        headers.update(extra or {})
        return self.retried(method, f"/dav/c{self.n}/{urllib.parse.quote(name)}", body, headers,
                            kind)

    # -- setup -------------------------------------------------------------------------------
    def make_user(self, admin_token):
        """Makes chaos user n (odd ones store on the bucket), signs in, makes a WebDAV account."""
        a = self.run.args
        email = f"chaos-{self.n}@example.com"
        group = a.bucket_group if self.n % 2 else 1
        self.token = admin_token
        made = self.api("PUT", "/admin/user", {"user": {"email": email, "nick": f"c{self.n}",
                                                         "group_users": group},
                                                "password": a.password}, retry=False)
        assert made and made["code"] == 0, made
        signed = self.api("POST", "/session/token", {"email": email, "password": a.password})
        assert signed and signed["code"] == 0, signed
        self.token = signed["data"]["token"]["access_token"]
        self.email = email
        acc = self.api("PUT", "/devices/dav", {"uri": "cloudreve://my", "name": "chaos"})
        assert acc and acc["code"] == 0, acc
        pw = acc["data"]["password"]
        self.dav_auth = "Basic " + base64.b64encode(f"{email}:{pw}".encode()).decode()

    def make_folder(self, user):
        """The client works as `user`'s client, in a folder of its own."""
        self.token, self.dav_auth, self.email = user.token, user.dav_auth, user.email
        got = self.retried("MKCOL", f"/dav/c{self.n}", None, {"Authorization": self.dav_auth})
        assert got and got[0] in (201, 405), got

    def uri(self, name):
        return f"cloudreve://my/c{self.n}/{name}"

    def wrote(self, kind, name, sent, ok, to=None):
        """Records a write in the client's folder for the journal check: its path in the
        owner's tree, how many requests it took (a retried one may be journaled once per
        request) and whether it was acknowledged."""
        folder = f"/c{self.n}/"
        self.writes.append({"kind": kind, "path": folder + name,
                            "to": to and folder + to, "sent": sent,
                            "ok": ok})

    # -- operations ------------------------------------------------------------------------
    def op_list(self):
        q = urllib.parse.quote(f"cloudreve://my/c{self.n}", safe="")
        r = self.api("GET", f"/file?uri={q}&page_size=100", kind="list")
        return r is not None and r["code"] == 0

    def op_dav_put(self):
        self.count += 1
        name = f"s{self.count}.txt"
        body = self.rng.randbytes(self.rng.randint(1000, 8000))
        sent = self.sent
        got = self.dav("PUT", name, body, kind="dav_put")
        ok = bool(got and got[0] in (201, 204))
        self.wrote("put", name, self.sent - sent, ok)
        if ok:
            self.files[name] = hashlib.sha256(body).hexdigest()
        return ok

    def pick(self):
        return self.rng.choice(sorted(self.files)) if self.files else None

    def op_dav_get(self):
        name = self.pick()
        if name is None:
            return self.op_dav_put()
        got = self.dav("GET", name, kind="dav_get")
        if got and got[0] == 302:
            # A bucket policy's file: the bytes come from the bucket.
            got = self.retried("GET", got[1]["Location"], kind="dav_get")
        if got and got[0] == 200:
            if hashlib.sha256(got[2]).hexdigest() != self.files[name]:
                self.run.fail(f"c{self.n}/{name} reads back changed")
            return True
        return False

    def download(self, uri, kind):
        """The sha256 of `uri` downloaded through a signed URL, or None."""
        return self.read_back(uri, kind)[0]

    def read_back(self, uri, kind):
        """`uri` downloaded through a signed URL: (sha256 or None, what was read: the URL
        without its query, and the status and length of the answer)."""
        r = self.api("POST", "/file/url", {"uris": [uri]}, kind=kind)
        if not r or r["code"] != 0:
            return None, f"no URL: {r and (r['code'], r.get('msg'))}"
        url = r["data"]["urls"][0]["url"]
        got = self.retried("GET", url, kind=kind)
        seen = f"{url.split('?')[0]} -> {got and got[0]}, {got and len(got[2])} bytes"
        if not got or got[0] != 200:
            return None, seen
        return hashlib.sha256(got[2]).hexdigest(), seen

    def op_download(self):
        name = self.pick()
        if name is None:
            return self.op_dav_put()
        sha = self.download(self.uri(name), "download")
        if sha is not None and sha != self.files[name]:
            self.run.fail(f"c{self.n}/{name} downloads changed")
        return sha is not None

    def op_rename(self):
        name = self.pick()
        if name is None:
            return self.op_dav_put()
        new = "r" + name
        sent = self.sent
        r = self.api("POST", "/file/rename", {"uri": self.uri(name), "new_name": new},
                     kind="rename")
        # The lookup below is no write: the rename took the requests sent until here.
        sent = self.sent - sent
        if r is None:
            # Cut off twice: it may have happened, so the file is no longer picked.
            self.wrote("rename", name, sent, False, new)
            self.files.pop(name)
            return False
        if r["code"] != 0:
            # A retry after a rename whose answer was cut: the new name must be there.
            q = urllib.parse.quote(self.uri(new), safe="")
            info = self.api("GET", f"/file/info?uri={q}", kind="rename")
            if not info or info["code"] != 0:
                self.run.fail(f"rename of c{self.n}/{name}: {r}")
                return False
        self.wrote("rename", name, sent, True, new)
        self.files[new] = self.files.pop(name)
        return True

    def op_share(self):
        name = self.pick()
        if name is None:
            return self.op_dav_put()
        r = self.api("PUT", "/share", {"uri": self.uri(name)}, kind="share")
        if not r or r["code"] != 0:
            return False
        sid = r["data"].split("/s/")[1].split("/")[0]
        info = self.api("GET", f"/share/info/{sid}", kind="share")
        return info is not None and info["code"] == 0

    def op_lock(self):
        self.count += 1
        name = f"lock-{self.count}.txt"
        sent = self.sent
        put = self.dav("PUT", name, b"locked", kind="lock")
        self.wrote("put", name, self.sent - sent, bool(put and put[0] in (201, 204)))
        if not put or put[0] not in (201, 204):
            return False
        got = self.dav("LOCK", name, LOCKINFO,
                       {"Timeout": f"Second-{LOCK_SECONDS}", "Content-Type": "application/xml"},
                       kind="lock")
        if not got or got[0] not in (200, 201):
            return False
        entry = [self.n, f"/dav/c{self.n}/{name}", time.time(), False]
        with self.run.lock:
            self.run.locks.append(entry)
        token = got[1].get("Lock-Token", "")
        done = self.dav("UNLOCK", name, None, {"Lock-Token": token}, kind="lock")
        entry[3] = bool(done and done[0] == 204)
        return entry[3]

    # -- chunked uploads -------------------------------------------------------------------
    def upload(self, j):
        a = self.run.args
        size = a.upload_mib << 20
        started = time.time()
        for attempt in range(3):
            uri = f"cloudreve://my/big-{j}-{attempt}.bin"
            r = self.api("PUT", "/file/upload", {"uri": uri, "size": size}, kind="upload")
            if r and r["code"] == 0:
                break
        else:
            self.run.fail(f"upload {j}: no session: {r}")
            return
        d = r["data"]
        chunk = d["chunk_size"]
        sha = hashlib.sha256()
        parts = []
        for k in range((size + chunk - 1) // chunk):
            body = random.Random(f"{j}-{k}").randbytes(min(chunk, size - k * chunk))
            sha.update(body)
            if d.get("upload_urls"):
                parts.append((k + 1, self.s3_part(d["upload_urls"][k], body)))
            elif not self.local_chunk(d["session_id"], k, body, k == (size - 1) // chunk):
                self.run.fail(f"upload {j}: chunk {k} never went through")
                return
        if d.get("upload_urls") and not self.s3_finish(d, parts):
            self.run.fail(f"upload {j}: the bucket upload did not complete")
            return
        self.run.sample("upload", started, True)
        entry = {"n": self.n, "uri": uri, "sha": sha.hexdigest()}
        with self.run.lock:
            self.run.uploads.append(entry)

    def local_chunk(self, sid, k, body, last):
        for attempt in range(10):
            got = self.raw("POST", f"/api/v4/file/upload/{sid}/{k}", body,
                           {"Authorization": f"Bearer {self.token}",
                            "Content-Type": "application/octet-stream"}, "chunk")
            if got and got[0] == 200:
                code = json.loads(got[2])["code"]
                # The completion was committed by an instance killed before it answered.
                if code == 0 or (code == 40011 and attempt > 0 and last):
                    return True
                self.run.fail(f"chunk {k} of {sid}: {got[2][:200]}")
                return False
            time.sleep(1)
        return False

    def s3_part(self, url, body):
        for _ in range(5):
            got = self.raw("PUT", url, body, {"Content-Length": str(len(body))}, "s3_part")
            if got and got[0] == 200:
                return got[1]["ETag"]
            time.sleep(1)
        raise RuntimeError("the bucket refused a part")

    def s3_finish(self, d, parts):
        xml = "".join(f"<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"
                      for n, e in parts)
        # Sent again once when cut off (or timed out: assembling the object may take long
        # on a loaded machine); a 404 or, from s3s-fs, a 403 (the upload id is gone) then
        # means the first one did complete, which the callback checks (it compares the
        # object's size with the session's).
        body = f"<CompleteMultipartUpload>{xml}</CompleteMultipartUpload>"
        headers = {"Content-Type": "application/xml"}
        got = self.raw("POST", d["completeURL"], body, headers, "s3_complete")
        done = (200,)
        if got is None or got[0] in (502, 503, 504):
            time.sleep(0.5)
            got = self.raw("POST", d["completeURL"], body, headers, "s3_complete")
            done = (200, 403, 404)
        if not got or got[0] not in done:
            print(f"CompleteMultipartUpload: {got and (got[0], got[2][:300])}", flush=True)
            return False
        # The callback publishes the file. Only code 0 says it did, or 40011 (no such session)
        # after an attempt that was cut off, which may have completed it before the cut. Any
        # other answer did not publish it: "not uploaded yet" (40055: a completion sent again
        # may still be assembling the object) and a busy server (50001, 50010) are asked
        # again, the rest is a failure. (Taking any answer after a cut attempt for success,
        # as this did, passes an upload that was never published as done: read back, it is
        # its empty placeholder, served as zero bytes from /file/content/<the empty
        # entity>/0/<name>, the same URL path for every such upload.)
        path = f"/api/v4/callback/s3/{d['session_id']}/{d['callback_secret']}"
        cut = False
        for attempt in range(20):
            got = self.raw("GET", path, kind="callback")
            if got is None or got[0] >= 500:
                cut = True
                time.sleep(1)
                continue
            code = json.loads(got[2]).get("code")
            if code == 0 or (code == 40011 and cut):
                return True
            print(f"callback {d['session_id']} attempt {attempt}: {got[0]} {got[2][:300]}",
                  flush=True)
            if code not in (40055, 50001, 50010):
                return False
            time.sleep(2)
        return False

    # -- tasks -------------------------------------------------------------------------------
    def tasks(self):
        """Compress the client's folder, then extract the archive (not retried: a task
        request cut off may or may not have been queued, and a second would be a second task)."""
        zip_uri = f"cloudreve://my/pack-{self.n}.zip"
        r = self.api("POST", "/workflow/archive",
                     {"src": [f"cloudreve://my/c{self.n}"], "dst": zip_uri}, "compress", False)
        if r and r["code"] == 0:
            with self.run.lock:
                self.run.tasks.append(("compress", zip_uri))
        else:
            return
        # Extracted into a folder of its own once the archive is whole (until then the
        # request is refused).
        made = self.retried("MKCOL", f"/dav/x-{self.n}", None, {"Authorization": self.dav_auth})
        if not made or made[0] not in (201, 405):
            self.run.fail(f"MKCOL x-{self.n}: {made and made[0]}")
            return
        started = time.time()
        while time.time() < started + 240:
            r = self.api("POST", "/workflow/extract",
                         {"src": [zip_uri], "dst": f"cloudreve://my/x-{self.n}"},
                         "extract", False)
            if r is None:
                return  # cut off: it may have been queued, and a second would be a second task
            if r["code"] == 0:
                with self.run.lock:
                    self.run.tasks.append(("extract", f"cloudreve://my/x-{self.n}"))
                self.run.sample("archive_wait", started, True)
                return
            time.sleep(2)
        self.run.fail(f"pack-{self.n}.zip never became extractable: {r}")

    # -- the loop ----------------------------------------------------------------------------
    def work(self, end, upload_at, task_at):
        kinds = [k for k, w in OPS for _ in range(w)]
        while time.time() < end:
            now = time.time()
            if upload_at and now >= upload_at[0][0]:
                self.upload(upload_at.pop(0)[1])
                continue
            if task_at is not None and now >= task_at:
                task_at = None
                self.tasks()
                continue
            kind = self.rng.choice(kinds)
            started = time.time()
            try:
                ok = getattr(self, "op_" + kind)()
            except (KeyError, ValueError, TypeError) as e:
                self.run.fail(f"{kind}: {e!r}")
                ok = False
            self.run.sample(kind, started, ok)
            time.sleep(self.rng.uniform(0.05, 0.3))
        for _, j in upload_at:
            self.upload(j)


def main():
    p = argparse.ArgumentParser()
    for name in ("work", "bin", "database-url", "balancer", "s3-root", "bucket", "email",
                 "password"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--ports", type=int, nargs=3, required=True)
    for name in ("bucket-group", "duration", "clients", "users", "uploads", "upload-mib",
                 "kill-every"):
        p.add_argument("--" + name, type=int, required=True)
    a = p.parse_args()
    run = Run(a)
    for i in range(len(a.ports)):
        start_instance(run, i)
    admin = Client(run, -1)
    admin.token = ""
    signed = admin.api("POST", "/session/token", {"email": a.email, "password": a.password})
    clients = [Client(run, n) for n in range(a.clients)]
    # A few users, each behind several clients: password hashing is slow in a debug build.
    token = signed["data"]["token"]["access_token"]
    users = clients[:max(1, min(a.users, a.clients))]
    for batch in (
        [threading.Thread(target=u.make_user, args=(token,)) for u in users],
        [threading.Thread(target=c.make_folder, args=(users[c.n % len(users)],))
         for c in clients],
    ):
        for t in batch:
            t.start()
        for t in batch:
            t.join()
    print(f"{len(clients)} clients set up", flush=True)
    run.t0 = time.time()
    end = run.t0 + a.duration
    rng = random.Random(7)
    plans = {n: [] for n in range(a.clients)}
    for j in range(a.uploads):
        plans[j % a.clients].append((run.t0 + rng.uniform(0, a.duration * 0.6), j))
    threads = []
    for c in clients:
        task_at = run.t0 + rng.uniform(a.duration * 0.3, a.duration * 0.6) if c.n < 6 else None
        t = threading.Thread(target=c.work, args=(end, sorted(plans[c.n]), task_at))
        t.start()
        threads.append(t)
    kill_thread = threading.Thread(target=killer, args=(run,))
    kill_thread.start()
    for t in threads:
        t.join(timeout=max(1, end - time.time() + 900))
    run.stop.set()
    kill_thread.join()
    run.t_end = time.time()
    ok = check_all(run, clients)
    report(run)
    for proc in run.procs:
        proc.kill()
        proc.wait()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
