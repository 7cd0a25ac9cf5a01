"""The end of bench/chaos.sh: what must hold once the clients stopped, and the figures."""

import os
import subprocess
import time
import urllib.parse

LOCK_SECONDS = 15


def sql(run, query):
    out = subprocess.run(["psql", "-q", "-X", "-t", "-A", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                          run.args.database_url, "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def check(ok, what, problems):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        problems.append(what)


def wait_tasks(run):
    """Every archive task ended (at most 5 minutes): the rows by type and status."""
    deadline = time.time() + 300
    while True:
        rows = sql(run, "SELECT type, status, count(*) FROM tasks WHERE type IN "
                        "('create_archive', 'extract_archive') GROUP BY type, status")
        if all(r[1] in ("completed", "error", "canceled") for r in rows) or time.time() > deadline:
            return rows
        time.sleep(2)


def uploads_ok(run, by_n, problems):
    bad = []
    for u in run.uploads:
        client = by_n[u["n"]]
        sha, seen = client.read_back(u["uri"], "verify")
        if sha != u["sha"]:
            # What was read and what the drive says of the file, for the log: an upload never
            # published is its empty placeholder (size 0, a session still open).
            q = urllib.parse.quote(u["uri"], safe="")
            info = client.api("GET", f"/file/info?uri={q}", kind="verify")
            size = info and info.get("data", {}).get("size")
            print(f"     {u['uri']}: read {seen}; the file's size {size}", flush=True)
            bad.append(u["uri"])
    check(len(run.uploads) == run.args.uploads and not bad,
          f"uploads complete and byte-identical: {len(run.uploads) - len(bad)} of "
          f"{run.args.uploads} ({', '.join(bad) or 'none differ'})", problems)


def tasks_ok(run, by_n, problems):
    rows = wait_tasks(run)
    answered = {k: sum(1 for t in run.tasks if t[0] == k) for k in ("compress", "extract")}
    done = {"compress": 0, "extract": 0}
    other = []
    for kind, status, count in rows:
        k = "compress" if kind == "create_archive" else "extract"
        if status == "completed":
            done[k] += int(count)
        else:
            other.append(f"{count} {kind} {status}")
    # An extraction never asked for is a client failure, recorded by the client.
    check(not other and all(done[k] >= answered[k] for k in done),
          f"tasks completed: {done} (answered {answered}) {' '.join(other)}", problems)
    # Once: one archive per compress, whatever the retries and takeovers.
    twice = []
    for kind, uri in run.tasks:
        if kind != "compress":
            continue
        name = uri.rsplit("/", 1)[1]
        stem = name[:-4]
        n = int(stem.split("-")[1])
        owner = by_n[n]
        listed = owner.api("GET", "/file?uri=" + urllib.parse.quote("cloudreve://my", safe="")
                           + "&page_size=1000", kind="verify")
        names = [f["name"] for f in listed["data"]["files"]] if listed else []
        if sum(1 for x in names if x.startswith(stem) and x.endswith(".zip")) != 1:
            twice.append(f"{name}: {[x for x in names if x.startswith(stem)]}")
    check(not twice, f"each archive made once {twice or ''}", problems)


def access_log(run):
    """The balancer's log: (msec, status, upstreams, upstream statuses, method, uri) each."""
    with open(os.path.join(run.args.work, "nginx", "access.log")) as log:
        return [tuple(line.rstrip("\n").split("|", 5)) for line in log]


def attempts(run):
    """How many times the balancer passed each (method, uri) to an instance: nginx sends an
    idempotent request (a PUT) to the next instance when the first one fails or times out,
    so a PUT the client sent once may have been written twice."""
    tries = {}
    for _, _, upstream, _, method, uri in access_log(run):
        key = (method, urllib.parse.unquote(uri))
        tries[key] = tries.get(key, 0) + len([u for u in upstream.split(",") if ":" in u])
    return tries


def errors_ok(run, problems):
    """5xx in the balancer's log: only the cut connections of a killed instance (nginx's own
    502/504 for an upstream that was being killed or restarted) are allowed."""
    windows = [(port, killed - 1, ready + 2) for port, killed, ready in run.kills]
    cut, other = 0, []
    for msec, status, upstream, upstream_status, method, uri in access_log(run):
        if int(status) < 500:
            continue
        at = float(msec)
        from_stratus = any(s.strip().isdigit() and int(s) >= 500 and int(s) not in (502, 504)
                           for s in upstream_status.replace(":", ",").split(","))
        during = any(lo <= at <= hi and str(port) in upstream for port, lo, hi in windows)
        if during and not from_stratus and int(status) in (502, 504):
            cut += 1
        else:
            other.append(f"{status} {upstream_status} {method} {uri.strip()}")
    check(not other, f"no 5xx but cut connections ({cut} cut): {other[:5]}", problems)


def locks_ok(run, by_n, problems):
    """A lock whose UNLOCK never came (its instance was killed) is gone after its timeout."""
    held = [lock for lock in run.locks if not lock[3]]
    if held:
        time.sleep(max(0, max(lock[2] for lock in held) + LOCK_SECONDS + 1 - time.time()))
    stuck = []
    for n, path, _, _ in held:
        got = by_n[n].retried("PUT", path, b"after", {"Authorization": by_n[n].dav_auth})
        if not got or got[0] not in (201, 204):
            stuck.append(f"{path}: {got and got[0]}")
    check(not stuck, f"no lock held past its timeout ({len(held)} never unlocked) {stuck}",
          problems)


def blobs_under(root, skip_prefix=None):
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            if skip_prefix is None or not name.startswith(skip_prefix):
                found.append(os.path.join(folder, name))
    return found


def open_uploads(root):
    """The multipart uploads s3s-fs holds, by id, and the ids its part files name. s3s-fs
    keeps `.upload-<id>.json` beside the bucket from an upload's creation to its completion or
    abort, and each part as `.upload_id-<id>.part-<n>` (a 64 MiB upload has 13): counting
    part files counts parts, not uploads. A part whose upload is gone is s3s-fs's own
    leftover (a completion it stopped midway, having dropped the upload first), which no
    S3 request can remove any more."""
    names = os.listdir(root)
    uploads = {n[len(".upload-"):-len(".json")] for n in names
               if n.startswith(".upload-") and n.endswith(".json")}
    parted = {n[len(".upload_id-"):].split(".part-")[0] for n in names
              if n.startswith(".upload_id-")}
    return uploads, parted


def orphans_ok(run, problems):
    """Every blob on the disk and in the bucket is named by an entity row; partial files and
    multipart uploads only belong to live upload sessions, at most one upload each, the one
    the session names. The recycler deletes the blobs of entity rows, so a blob no row names
    would stay for ever: none may exist."""
    sources = {os.path.basename(r[0]) for r in sql(run, "SELECT source FROM entities")}
    sessions = int(sql(run, "SELECT count(*) FROM upload_sessions")[0][0])
    named = {r[0] for r in sql(run, "SELECT props::jsonb ->> 'upload_id' FROM upload_sessions "
                                    "WHERE props::jsonb ? 'upload_id'")}
    uploads = os.path.join(run.args.work, "data", "uploads")
    local = blobs_under(uploads) if os.path.isdir(uploads) else []
    bucket = blobs_under(os.path.join(run.args.s3_root, run.args.bucket))
    parts = [b for b in local if os.path.basename(b).startswith(".stratus-part-")]
    temps = [b for b in local if os.path.basename(b).startswith(".stratus-")
             and b not in parts]
    orphans = [b for b in local + bucket if not os.path.basename(b).startswith(".")
               and os.path.basename(b) not in sources]
    multipart, parted = open_uploads(run.args.s3_root)
    unnamed = sorted(multipart - named)
    check(not orphans and not temps,
          f"no orphan blob ({len(local)} local, {len(bucket)} in the bucket; "
          f"{orphans[:3]} {temps[:3]})", problems)
    check(len(parts) + len(multipart) <= sessions and not unnamed,
          f"partial files ({len(parts)}) and multipart uploads ({len(multipart)}, "
          f"{len(unnamed)} that no session names: {unnamed[:3]}) only for live sessions "
          f"({sessions}, left by creates whose answers were cut)", problems)
    stray = sorted(parted - multipart)
    if stray:
        print(f"     note: part files of {len(stray)} uploads s3s-fs no longer holds "
              f"(completions it stopped midway): {stray[:3]}", flush=True)


def journal_rows(run):
    """The change journal: (email, kind, from, to) per row, in the journal's order."""
    rows = sql(run, "SELECT c.id, u.email, c.kind, c.from_path, coalesce(c.to_path, '') "
                    "FROM fs_changes c JOIN users u ON u.id = c.owner_id ORDER BY c.id")
    return [(int(i), email, int(kind), frm, to or None) for i, email, kind, frm, to in rows]


def matches(write, row):
    """Whether journal row `row` is the record of client write `write`: a PUT is a create or
    (sent again over what the first one made) a modify of its path; a rename names both paths."""
    _, _, kind, frm, to = row
    if write["kind"] == "put":
        return kind in (1, 2) and frm == write["path"]
    return kind == 3 and frm == write["path"] and to == write["to"]


def journal_ok(run, clients, problems):
    """Every write the clients made is in the change journal (fs_changes), once per request at
    most, in the order each client made them (one client per folder), with nothing in a
    client's folder that no client asked for; every finished upload is created once."""
    rows = journal_rows(run)
    tries = attempts(run)
    lost, twice, order, phantom = [], [], [], []
    for c in clients:
        folder = f"/c{c.n}/"
        mine = [r for r in rows if r[1] == c.email and r[3].startswith(folder)]
        claimed = set()
        last = 0
        for w in c.writes:
            ids = [r[0] for r in mine if matches(w, r)]
            claimed.update(ids)
            if w["ok"] and not ids:
                lost.append(f"{w['kind']} {w['path']}")
            # Once per request at most, counting the balancer's passes of a PUT to a
            # second instance (a rename is a POST, which nginx never passes on).
            allowed = max(w["sent"], tries.get(("PUT", "/dav" + w["path"]), 0))
            if len(ids) > allowed:
                twice.append(f"{w['kind']} {w['path']} x{len(ids)} ({w['sent']} sent, "
                             f"{allowed} reached an instance)")
            if ids and ids[0] < last:
                order.append(f"{w['kind']} {w['path']}")
            last = max([last] + ids)
        phantom += [f"{r[2]} {r[3]}" for r in mine if r[0] not in claimed]
    by_n = {c.n: c for c in clients}
    for u in run.uploads:
        path = "/" + u["uri"].split("cloudreve://my/", 1)[1]
        made = [r for r in rows if r[1] == by_n[u["n"]].email and r[2] == 1 and r[3] == path]
        if len(made) != 1:
            (lost if not made else twice).append(f"upload {path} x{len(made)}")
    writes = sum(len(c.writes) for c in clients)
    check(not (lost or twice or order or phantom),
          f"the change journal holds every write once, in order ({writes} writes, "
          f"{len(rows)} rows; lost {lost[:3]} twice {twice[:3]} out of order {order[:3]} "
          f"unasked {phantom[:3]})", problems)


def check_all(run, clients):
    by_n = {c.n: c for c in clients}
    problems = []
    print("\n== checks", flush=True)
    for failure in run.failures:
        problems.append(failure)
    check(not run.failures, f"clients saw no wrong answer ({len(run.failures)})", problems)
    # Before locks_ok, whose own writes are not the clients'.
    journal_ok(run, clients, problems)
    uploads_ok(run, by_n, problems)
    tasks_ok(run, by_n, problems)
    errors_ok(run, problems)
    locks_ok(run, by_n, problems)
    orphans_ok(run, problems)
    return not problems


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def report(run):
    """Throughput and p50/p99 latency per operation kind, before the first kill and with
    kills going on."""
    # Rates over the planned run (the tail where uploads and tasks finish is not counted).
    last = min(run.t_end, run.t0 + run.args.duration)
    first = min(run.first_kill or last, last)
    spans = {"calm": max(first - run.t0, 1e-9), "kills": max(last - first, 1e-9)}
    print(f"\n== {len(run.kills)} kills; calm {spans['calm']:.0f}s, with kills "
          f"{spans['kills']:.0f}s")
    print(f"{'operation':<10} {'phase':<6} {'count':>6} {'ok':>6} {'per s':>7} "
          f"{'p50 ms':>8} {'p99 ms':>8}")
    kinds = sorted({s[0] for s in run.samples})
    for kind in kinds:
        for phase in ("calm", "kills"):
            rows = [s for s in run.samples if s[0] == kind
                    and (s[1] < first) == (phase == "calm")]
            if not rows:
                continue
            lat = [s[2] * 1000 for s in rows]
            ok = sum(1 for s in rows if s[3])
            print(f"{kind:<10} {phase:<6} {len(rows):>6} {ok:>6} "
                  f"{len(rows) / spans[phase]:>7.1f} {pct(lat, 0.5):>8.0f} {pct(lat, 0.99):>8.0f}")
