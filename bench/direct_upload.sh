#!/usr/bin/env bash
# Uploads straight to a bucket: does Stratus cost anything when it only signs?
#
# On this machine, in one run, a release build of `stratus` (SQLite) with an `s3` policy on
# s3s-fs, both on loopback:
#
#   stratus    1 GiB uploaded through an upload session: `PUT /file/upload` (Stratus opens the
#              multipart upload and presigns the part URLs), the parts PUT to the bucket, the
#              completion POSTed to the `completeURL`, then the callback (Stratus HEADs the object
#              and publishes the file).
#   reference  the same 1 GiB to the same s3s-fs with the same client code: the multipart upload
#              opened and its URLs presigned locally with boto3, the same PUTs and completion.
#
# The bytes are generated on the fly, part by part (never a 1 GiB file); each object is deleted
# after its run, so s3s-fs holds at most the parts and the object of one upload (2 GiB).
#
#   bash bench/direct_upload.sh
#   SIZE_MIB=256 bash bench/direct_upload.sh
#
# Needs: s3s-fs (`cargo install s3s-fs@0.14.1 --features binary`), python3 with boto3, curl and
# jq, about 2 GiB free in $TMPDIR. Not part of CI.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB=${SIZE_MIB:-1024}
CHUNK_MIB=${CHUNK_MIB:-25}
source bench/lib.sh
KILL_ON_EXIT+=(S3_PID)
export PATH="${STRATUS_TOOLS_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/stratus-target}/tools}/bin:$PATH"

need curl curl
need jq jq
python3 -c 'import boto3' || { echo "needs boto3: pip install boto3" >&2; exit 1; }
command -v s3s-fs >/dev/null || { echo "needs s3s-fs: cargo install s3s-fs@0.14.1 --features binary" >&2; exit 1; }
build_stratus

AK=bench-ak
SK=bench-secret-key-0123456789
BUCKET=bench
S3P=$(free_port)
SP=$(free_port)
mkdir -p "$WORK/s3/$BUCKET"
s3s-fs --host 127.0.0.1 --port "$S3P" --access-key "$AK" --secret-key "$SK" "$WORK/s3" >/dev/null 2>&1 &
S3_PID=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$S3P/" >/dev/null && break; sleep 0.1; done

"$BIN" --data-dir "$WORK/data" create-user --email "$EMAIL" --password "$PASSWORD" >/dev/null
STRATUS_S3_SECRET_KEY=$SK "$BIN" --data-dir "$WORK/data" add-s3-policy --name bench \
    --endpoint "http://127.0.0.1:$S3P" --bucket "$BUCKET" --access-key "$AK" --path-style \
    --group 2 >/dev/null
python3 - "$WORK/data/stratus.db" "$CHUNK_MIB" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE groups SET max_storage = 1 << 40")
for pid, settings in db.execute("SELECT id, settings FROM storage_policies WHERE type = 's3'").fetchall():
    s = json.loads(settings or "{}")
    s["chunk_size"] = int(sys.argv[2]) << 20
    db.execute("UPDATE storage_policies SET settings = ? WHERE id = ?", (json.dumps(s), pid))
db.commit()
PY
start_stratus "$SP"
TOKEN=$(sign_in)
POLICY=$(curl -fs -H "authorization: Bearer $TOKEN" "$API/file?uri=cloudreve%3A%2F%2Fmy" | jq -er '.data.storage_policy.id')

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print $2 / 1048576 " GiB"}' /proc/meminfo), $(uname -r), release build"
python3 - "$API" "$TOKEN" "$POLICY" "http://127.0.0.1:$S3P" "$AK" "$SK" "$BUCKET" "$SIZE_MIB" <<'PY'
import http.client, json, sys, time, urllib.parse, urllib.request
import boto3
from botocore.config import Config

api, token, policy, endpoint, ak, sk, bucket, size_mib = sys.argv[1:]
size = int(size_mib) << 20
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ak, aws_secret_access_key=sk,
                  region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))

def part_bytes(number, length):
    # A different pattern per part, made when it is sent.
    return bytes([(number * 7 + i) & 0xFF for i in range(256)]) * (length // 256) + b"\0" * (length % 256)

def send(urls, complete_url, chunk):
    """The client both runs share: PUT each part on one keep-alive connection, then complete."""
    parsed = urllib.parse.urlsplit(urls[0])
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port)
    etags = []
    for n, url in enumerate(urls, 1):
        u = urllib.parse.urlsplit(url)
        length = min(chunk, size - (n - 1) * chunk)
        conn.request("PUT", f"{u.path}?{u.query}", body=part_bytes(n, length))
        r = conn.getresponse(); r.read()
        assert r.status == 200, (n, r.status)
        etags.append(r.getheader("etag"))
    body = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>" for n, e in enumerate(etags, 1)
    ) + "</CompleteMultipartUpload>"
    u = urllib.parse.urlsplit(complete_url)
    conn.request("POST", f"{u.path}?{u.query}", body=body.encode())
    r = conn.getresponse(); r.read()
    assert r.status == 200, r.status
    conn.close()

def call(method, path, body=None):
    req = urllib.request.Request(api + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        answer = json.load(r)
    assert answer["code"] == 0, answer
    return answer.get("data")  # the callback answers {"code": 0} without data

def via_stratus():
    start = time.time()
    d = call("PUT", "/file/upload", {"uri": "cloudreve://my/bench.bin", "size": size, "policy_id": policy})
    send(d["upload_urls"], d["completeURL"], d["chunk_size"])
    call("GET", f"/callback/s3/{d['session_id']}/{d['callback_secret']}")
    took = time.time() - start
    call("DELETE", "/file", {"uris": ["cloudreve://my/bench.bin"], "skip_soft_delete": True})
    return took, d["chunk_size"]

def straight(chunk):
    start = time.time()
    key = "reference/bench.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = -(-size // chunk)
    urls = [s3.generate_presigned_url("upload_part", Params={"Bucket": bucket, "Key": key, "UploadId": upload, "PartNumber": n}, ExpiresIn=3600) for n in range(1, parts + 1)]
    complete = s3.generate_presigned_url("complete_multipart_upload", Params={"Bucket": bucket, "Key": key, "UploadId": upload}, ExpiresIn=3600)
    send(urls, complete, chunk)
    took = time.time() - start
    s3.delete_object(Bucket=bucket, Key=key)
    return took

stratus, chunk = via_stratus()
reference = straight(chunk)
mib = size / (1 << 20)
print(f"stratus presigned   {mib:.0f} MiB in {stratus:.2f} s = {mib / stratus:.0f} MiB/s")
print(f"straight to s3s-fs  {mib:.0f} MiB in {reference:.2f} s = {mib / reference:.0f} MiB/s")
print(f"ratio (Stratus / reference throughput): {reference / stratus:.2f}")
PY
