"""S3 cases run with boto3 against the Stratus S3 endpoint by the s3_endpoint tests.

Usage: cases.py ENDPOINT ACCESS_KEY SECRET_KEY CASE [ARGS...]. Each case asserts what it
checks and prints "ok" at the end; a failed assertion exits non-zero with the traceback.
"""

import hashlib
import os
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT, ACCESS_KEY, SECRET_KEY, CASE = sys.argv[1:5]
ARGS = sys.argv[5:]


def client(secret=SECRET_KEY):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        config=Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            retries={"max_attempts": 1},
        ),
    )


s3 = client()


def error_code(fn, *args, **kwargs):
    """The S3 error code `fn` fails with (None when it succeeds)."""
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def data(size, seed):
    """`size` deterministic bytes (no allocation beyond the object itself)."""
    block = hashlib.sha256(seed.encode()).digest() * 2048
    return (block * (size // len(block) + 1))[:size]


def md5(b):
    return hashlib.md5(b).hexdigest()


def http(method, url, body=None):
    req = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def case_buckets():
    s3.create_bucket(Bucket="alpha")
    assert error_code(s3.create_bucket, Bucket="alpha") == "BucketAlreadyOwnedByYou"
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert "alpha" in names, names
    s3.head_bucket(Bucket="alpha")
    s3.get_bucket_location(Bucket="alpha")
    s3.put_object(Bucket="alpha", Key="x", Body=b"x")
    assert error_code(s3.delete_bucket, Bucket="alpha") == "BucketNotEmpty"
    s3.delete_object(Bucket="alpha", Key="x")
    s3.delete_bucket(Bucket="alpha")
    assert error_code(s3.head_bucket, Bucket="alpha") in ("404", "NoSuchBucket")
    assert error_code(s3.get_object, Bucket="nope", Key="k") == "NoSuchBucket"


def case_objects():
    s3.create_bucket(Bucket="objs")
    body = data(300 * 1024, "objects")
    put = s3.put_object(
        Bucket="objs",
        Key="dir/sub/file.bin",
        Body=body,
        ContentType="application/x-test",
        Metadata={"origin": "boto3", "n": "1"},
    )
    assert put["ETag"].strip('"') == md5(body), put["ETag"]
    got = s3.get_object(Bucket="objs", Key="dir/sub/file.bin")
    assert got["Body"].read() == body
    assert got["ETag"].strip('"') == md5(body)
    assert got["ContentType"] == "application/x-test", got["ContentType"]
    assert got["Metadata"] == {"origin": "boto3", "n": "1"}, got["Metadata"]
    head = s3.head_object(Bucket="objs", Key="dir/sub/file.bin")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == got["ETag"]
    # Ranges: a middle slice, a suffix, and one past the end.
    part = s3.get_object(Bucket="objs", Key="dir/sub/file.bin", Range="bytes=1000-1999")
    assert part["Body"].read() == body[1000:2000]
    assert part["ContentRange"] == f"bytes 1000-1999/{len(body)}", part["ContentRange"]
    tail = s3.get_object(Bucket="objs", Key="dir/sub/file.bin", Range="bytes=-10")
    assert tail["Body"].read() == body[-10:]
    assert error_code(
        s3.get_object, Bucket="objs", Key="dir/sub/file.bin", Range=f"bytes={len(body)}-"
    ) == "InvalidRange"
    # Conditions.
    etag = got["ETag"]
    code = error_code(s3.get_object, Bucket="objs", Key="dir/sub/file.bin", IfNoneMatch=etag)
    assert code in ("304", "NotModified"), code
    assert error_code(s3.get_object, Bucket="objs", Key="dir/sub/file.bin", IfMatch='"0000"') == "PreconditionFailed"
    s3.get_object(Bucket="objs", Key="dir/sub/file.bin", IfMatch=etag)
    # A wrong Content-MD5 stores nothing: the object keeps its content.
    import base64
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert error_code(
        s3.put_object, Bucket="objs", Key="dir/sub/file.bin", Body=b"new", ContentMD5=wrong
    ) == "BadDigest"
    right = base64.b64encode(hashlib.md5(b"short").digest()).decode()
    s3.put_object(Bucket="objs", Key="short", Body=b"short", ContentMD5=right)
    # A wrong declared checksum too.
    assert error_code(
        s3.put_object, Bucket="objs", Key="dir/sub/file.bin", Body=b"new", ChecksumCRC32="AAAAAA=="
    ) == "BadDigest"
    assert s3.get_object(Bucket="objs", Key="dir/sub/file.bin")["Body"].read() == body
    # Server-side copy: same bytes, same ETag.
    copy = s3.copy_object(
        Bucket="objs", Key="copy.bin", CopySource={"Bucket": "objs", "Key": "dir/sub/file.bin"}
    )
    assert copy["CopyObjectResult"]["ETag"] == etag
    got = s3.get_object(Bucket="objs", Key="copy.bin")
    assert got["Body"].read() == body and got["ETag"] == etag
    assert got["Metadata"] == {"origin": "boto3", "n": "1"}
    # Folder markers.
    s3.put_object(Bucket="objs", Key="empty-folder/", Body=b"")
    s3.head_object(Bucket="objs", Key="empty-folder/")
    # Deletes: a missing key is no error, a deleted one is gone.
    s3.delete_object(Bucket="objs", Key="copy.bin")
    s3.delete_object(Bucket="objs", Key="never-there")
    assert error_code(s3.get_object, Bucket="objs", Key="copy.bin") == "NoSuchKey"
    out = s3.delete_objects(
        Bucket="objs", Delete={"Objects": [{"Key": "short"}, {"Key": "missing"}]}
    )
    assert sorted(d["Key"] for d in out["Deleted"]) == ["missing", "short"], out
    assert error_code(s3.head_object, Bucket="objs", Key="short") == "404"


def case_multipart():
    s3.create_bucket(Bucket="mpu")
    size = 12 * 1024 * 1024
    body = data(size, "multipart")
    parts_of = [(1, 0, 5 << 20), (2, 5 << 20, 10 << 20), (3, 10 << 20, size)]
    up = s3.create_multipart_upload(Bucket="mpu", Key="big/file.bin", ContentType="video/x-test")
    uid = up["UploadId"]
    other = s3.create_multipart_upload(Bucket="mpu", Key="abandoned.bin")["UploadId"]
    listed = s3.list_multipart_uploads(Bucket="mpu")["Uploads"]
    assert sorted(u["UploadId"] for u in listed) == sorted([uid, other]), listed
    done = []
    for n, a, b in parts_of:
        r = s3.upload_part(Bucket="mpu", Key="big/file.bin", UploadId=uid, PartNumber=n, Body=body[a:b])
        assert r["ETag"].strip('"') == md5(body[a:b])
        done.append({"PartNumber": n, "ETag": r["ETag"]})
    parts = s3.list_parts(Bucket="mpu", Key="big/file.bin", UploadId=uid)["Parts"]
    assert [p["PartNumber"] for p in parts] == [1, 2, 3], parts
    assert [p["Size"] for p in parts] == [5 << 20, 5 << 20, 2 << 20]
    bad = [dict(done[0]), done[1], done[2]]
    bad[0]["ETag"] = '"00000000000000000000000000000000"'
    assert error_code(
        s3.complete_multipart_upload, Bucket="mpu", Key="big/file.bin", UploadId=uid,
        MultipartUpload={"Parts": bad},
    ) == "InvalidPart"
    # A part below 5 MiB is refused unless it is the last: S3's rule, which clients size by.
    small = s3.create_multipart_upload(Bucket="mpu", Key="small.bin")["UploadId"]
    tiny = [
        {"PartNumber": n, "ETag": s3.upload_part(
            Bucket="mpu", Key="small.bin", UploadId=small, PartNumber=n, Body=b"x" * 1024
        )["ETag"]}
        for n in (1, 2)
    ]
    assert error_code(
        s3.complete_multipart_upload, Bucket="mpu", Key="small.bin", UploadId=small,
        MultipartUpload={"Parts": tiny},
    ) == "EntityTooSmall"
    assert error_code(s3.head_object, Bucket="mpu", Key="small.bin") == "404"
    # One small part alone is the last one: it completes.
    s3.complete_multipart_upload(
        Bucket="mpu", Key="small.bin", UploadId=small, MultipartUpload={"Parts": tiny[:1]}
    )
    assert s3.get_object(Bucket="mpu", Key="small.bin")["Body"].read() == b"x" * 1024
    out = s3.complete_multipart_upload(
        Bucket="mpu", Key="big/file.bin", UploadId=uid, MultipartUpload={"Parts": done}
    )
    want = hashlib.md5(b"".join(hashlib.md5(body[a:b]).digest() for _, a, b in parts_of)).hexdigest()
    assert out["ETag"].strip('"') == f"{want}-3", out["ETag"]
    got = s3.get_object(Bucket="mpu", Key="big/file.bin")
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(body).digest()
    assert got["ETag"] == out["ETag"] and got["ContentType"] == "video/x-test"
    s3.abort_multipart_upload(Bucket="mpu", Key="abandoned.bin", UploadId=other)
    assert s3.list_multipart_uploads(Bucket="mpu").get("Uploads", []) == []
    assert error_code(
        s3.upload_part, Bucket="mpu", Key="abandoned.bin", UploadId=other, PartNumber=1, Body=b"x"
    ) == "NoSuchUpload"
    # boto3's managed transfer (multipart above its threshold) round-trips too.
    from boto3.s3.transfer import TransferConfig
    cfg = TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
    path = ARGS[0]
    with open(path, "wb") as f:
        f.write(body[: 11 << 20])
    s3.upload_file(path, "mpu", "managed.bin", Config=cfg)
    s3.download_file("mpu", "managed.bin", path + ".back", Config=cfg)
    with open(path + ".back", "rb") as f:
        assert f.read() == body[: 11 << 20]


def keys(listing):
    return [o["Key"] for o in listing.get("Contents", [])]


def prefixes(listing):
    return [p["Prefix"] for p in listing.get("CommonPrefixes", [])]


def case_listing():
    s3.create_bucket(Bucket="lst")
    # "a-c" and "a0" sort around the folder "a" in bytes: "-" < "/" < "0".
    names = ["a/1", "a/2", "a/b/3", "a/b/c/4", "c", "d/5", "ab", "a-c", "a0"]
    for k in names:
        s3.put_object(Bucket="lst", Key=k, Body=k.encode())
    # Every listing is in the byte order of the keys, as S3 lists them.
    every = keys(s3.list_objects_v2(Bucket="lst"))
    assert every == sorted(names), every
    one = s3.list_objects_v2(Bucket="lst", Prefix="a/", Delimiter="/")
    assert keys(one) == ["a/1", "a/2"], one
    assert prefixes(one) == ["a/b/"], one
    top = s3.list_objects_v2(Bucket="lst", Delimiter="/")
    assert keys(top) == ["a-c", "a0", "ab", "c"], top
    assert prefixes(top) == ["a/", "d/"], top
    part = s3.list_objects_v2(Bucket="lst", Prefix="a")
    assert keys(part) == ["a-c", "a/1", "a/2", "a/b/3", "a/b/c/4", "a0", "ab"], part
    deep = s3.list_objects_v2(Bucket="lst", Prefix="a/b/")
    assert keys(deep) == ["a/b/3", "a/b/c/4"], deep
    assert keys(s3.list_objects_v2(Bucket="lst", Prefix="zzz/")) == []
    # Pages of two, resumed by continuation token, cover everything once, in order.
    seen, token = [], None
    while True:
        kw = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket="lst", MaxKeys=2, **kw)
        assert page["KeyCount"] <= 2
        seen += keys(page)
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == sorted(names), seen
    for i in range(len(seen)):
        after = keys(s3.list_objects_v2(Bucket="lst", StartAfter=seen[i]))
        assert after == seen[i + 1 :], (seen[i], after)
    # v1 with markers, by folder.
    seen, marker = [], ""
    while True:
        page = s3.list_objects(Bucket="lst", Delimiter="/", MaxKeys=1, Marker=marker)
        seen += keys(page) + prefixes(page)
        if not page["IsTruncated"]:
            break
        marker = page["NextMarker"]
    assert seen == ["a-c", "a/", "a0", "ab", "c", "d/"], seen
    # A delimiter other than "/".
    dash = s3.list_objects_v2(Bucket="lst", Delimiter="b")
    assert prefixes(dash) == ["a/b", "ab"], dash
    assert keys(dash) == ["a-c", "a/1", "a/2", "a0", "c", "d/5"], dash


def case_presign():
    s3.create_bucket(Bucket="pre")
    s3.put_object(Bucket="pre", Key="p.txt", Body=b"presigned body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "p.txt"}, ExpiresIn=300)
    status, body = http("GET", url)
    assert status == 200 and body == b"presigned body", (status, body)
    i = url.index("X-Amz-Signature=") + len("X-Amz-Signature=")
    flipped = "0" if url[i] != "0" else "1"
    status, body = http("GET", url[:i] + flipped + url[i + 1:])
    assert status == 403, (status, body)
    other = url.replace("p.txt", "q.txt")
    status, _ = http("GET", other)
    assert status == 403, status
    # A page opened from a URL is confined: downloaded, never run on the endpoint's origin.
    s3.put_object(Bucket="pre", Key="page.html", Body=b"<script>alert(1)</script>", ContentType="text/html")
    page = s3.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "page.html"}, ExpiresIn=300)
    with urllib.request.urlopen(page) as resp:
        assert resp.headers["Content-Disposition"].startswith("attachment"), dict(resp.headers)
        assert resp.headers["Content-Security-Policy"] == "sandbox", dict(resp.headers)
        assert resp.headers["X-Content-Type-Options"] == "nosniff", dict(resp.headers)
    assert s3.head_object(Bucket="pre", Key="page.html")["ContentDisposition"].startswith("attachment")
    assert "ContentDisposition" not in s3.head_object(Bucket="pre", Key="p.txt")
    put = s3.generate_presigned_url("put_object", Params={"Bucket": "pre", "Key": "up.txt"}, ExpiresIn=300)
    status, body = http("PUT", put, b"uploaded by URL")
    assert status == 200, (status, body)
    assert s3.get_object(Bucket="pre", Key="up.txt")["Body"].read() == b"uploaded by URL"


def case_presign_limits():
    s3.create_bucket(Bucket="lim")
    s3.put_object(Bucket="lim", Key="a.txt", Body=b"a")
    week = s3.generate_presigned_url("get_object", Params={"Bucket": "lim", "Key": "a.txt"}, ExpiresIn=604800)
    status, body = http("GET", week)
    assert status == 200 and body == b"a", (status, body)
    longer = s3.generate_presigned_url("get_object", Params={"Bucket": "lim", "Key": "a.txt"}, ExpiresIn=604801)
    status, body = http("GET", longer)
    assert status == 400 and b"AuthorizationQueryParametersError" in body, (status, body)
    # Whoever holds a presigned PUT cannot add headers the owner did not sign.
    put = s3.generate_presigned_url("put_object", Params={"Bucket": "lim", "Key": "p.txt"}, ExpiresIn=300)
    req = urllib.request.Request(put, data=b"p", method="PUT", headers={"x-amz-meta-evil": "1"})
    try:
        urllib.request.urlopen(req)
        raise AssertionError("an unsigned x-amz-meta header went through")
    except urllib.error.HTTPError as e:
        body = e.read()
        assert e.code == 403 and b"AccessDenied" in body, (e.code, body)
    assert error_code(s3.head_object, Bucket="lim", Key="p.txt") == "404"
    # Signed metadata is kept; a header added after signing is refused, and nothing is stored.
    s3.put_object(Bucket="lim", Key="m.txt", Body=b"m", Metadata={"good": "1"})
    assert s3.head_object(Bucket="lim", Key="m.txt")["Metadata"] == {"good": "1"}

    def add_unsigned(request, **_):
        request.headers["x-amz-meta-evil"] = "1"

    s3.meta.events.register("before-send.s3.PutObject", add_unsigned)
    code = error_code(s3.put_object, Bucket="lim", Key="m.txt", Body=b"changed", Metadata={"good": "2"})
    s3.meta.events.unregister("before-send.s3.PutObject", add_unsigned)
    assert code == "AccessDenied", code
    head = s3.head_object(Bucket="lim", Key="m.txt")
    assert head["Metadata"] == {"good": "1"} and head["ContentLength"] == 1, head


def case_wrong_secret():
    bad = client(secret=SECRET_KEY[:-1] + ("x" if SECRET_KEY[-1] != "x" else "y"))
    assert error_code(bad.list_buckets) == "SignatureDoesNotMatch"
    assert error_code(bad.put_object, Bucket="bkt", Key="k", Body=b"x") == "SignatureDoesNotMatch"


def case_throttled():
    """ARGS[0] refused signatures from this address, then even a right one is told to slow
    down."""
    bad = client(secret=SECRET_KEY[:-1] + ("x" if SECRET_KEY[-1] != "x" else "y"))
    for _ in range(int(ARGS[0])):
        assert error_code(bad.list_buckets) == "SignatureDoesNotMatch"
    assert error_code(s3.list_buckets) == "SlowDown"


def forwarded_from(c, ip):
    """`c` as seen through a trusted proxy that forwards for `ip`."""

    def add(request, **_):
        request.headers["X-Forwarded-For"] = ip

    c.meta.events.register("before-send.s3", add)
    return c


def case_forwarded():
    """Behind a trusted proxy: ARGS[0] refused signatures forwarded for ARGS[1] lock that
    address out, with a Retry-After of about the window; ARGS[2] goes on."""
    bad = forwarded_from(client(secret=SECRET_KEY[:-1] + ("x" if SECRET_KEY[-1] != "x" else "y")), ARGS[1])
    for _ in range(int(ARGS[0])):
        assert error_code(bad.list_buckets) == "SignatureDoesNotMatch"
    try:
        forwarded_from(client(), ARGS[1]).list_buckets()
        raise AssertionError("the locked address was let in")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "SlowDown", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 503, e.response
        wait = int(e.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"])
        assert 590 <= wait <= 600, wait
    forwarded_from(client(), ARGS[2]).list_buckets()


def case_refused():
    """Every request of this key is refused (a deleted or unknown key)."""
    code = error_code(s3.list_buckets)
    assert code in ("InvalidAccessKeyId", "AccessDenied"), code


def case_readonly():
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert ARGS[0] in names, names
    assert s3.get_object(Bucket=ARGS[0], Key=ARGS[1])["Body"].read() == ARGS[2].encode()
    assert error_code(s3.put_object, Bucket=ARGS[0], Key="new", Body=b"x") == "AccessDenied"
    assert error_code(s3.delete_object, Bucket=ARGS[0], Key=ARGS[1]) == "AccessDenied"
    assert error_code(s3.create_bucket, Bucket="newbucket") == "AccessDenied"
    assert error_code(s3.create_multipart_upload, Bucket=ARGS[0], Key="m") == "AccessDenied"


def case_buckets_are():
    names = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    assert names == sorted(ARGS), names


def case_put():
    bucket, key, path = ARGS
    with open(path, "rb") as f:
        body = f.read()
    out = s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert out["ETag"].strip('"') == md5(body)


def case_get():
    bucket, key, path = ARGS
    with open(path, "rb") as f:
        want = f.read()
    got = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert got == want, (len(got), len(want))


def case_delete():
    bucket, key = ARGS
    s3.delete_object(Bucket=bucket, Key=key)
    assert error_code(s3.head_object, Bucket=bucket, Key=key) == "404"


def case_copy():
    bucket, source, target = ARGS
    want = s3.get_object(Bucket=bucket, Key=source)["Body"].read()
    s3.copy_object(Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": source})
    assert s3.get_object(Bucket=bucket, Key=target)["Body"].read() == want


def case_missing():
    bucket, key = ARGS
    assert error_code(s3.head_object, Bucket=bucket, Key=key) == "404"


def case_too_big():
    bucket, key, size = ARGS[0], ARGS[1], int(ARGS[2])
    code = error_code(s3.put_object, Bucket=bucket, Key=key, Body=data(size, "quota"))
    assert code == "EntityTooLarge", code
    assert error_code(s3.head_object, Bucket=bucket, Key=key) == "404"


def case_staged_parts():
    """Parts of several open multipart uploads together are held to the free space (ARGS:
    bucket, part size): two parts fit, a third in another upload does not, until an upload
    is given up."""
    bucket, size = ARGS[0], int(ARGS[1])
    first = s3.create_multipart_upload(Bucket=bucket, Key="one.bin")["UploadId"]
    second = s3.create_multipart_upload(Bucket=bucket, Key="two.bin")["UploadId"]
    body = data(size, "staged")
    for n in (1, 2):
        s3.upload_part(Bucket=bucket, Key="one.bin", UploadId=first, PartNumber=n, Body=body)
    code = error_code(
        s3.upload_part, Bucket=bucket, Key="two.bin", UploadId=second, PartNumber=1, Body=body
    )
    assert code == "EntityTooLarge", code
    s3.abort_multipart_upload(Bucket=bucket, Key="one.bin", UploadId=first)
    s3.upload_part(Bucket=bucket, Key="two.bin", UploadId=second, PartNumber=1, Body=body)


def case_guard():
    """30 objects deleted in one DeleteObjects with the guard's threshold at 10: 10 go, the
    rest and every later write are refused with the guard's reason."""
    bucket = ARGS[0]
    keys = ["o%02d.txt" % i for i in range(30)]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"hello")
    out = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": False}
    )
    deleted = out.get("Deleted", [])
    errors = out.get("Errors", [])
    assert len(deleted) == 10, (len(deleted), errors[:2])
    assert len(errors) == 20, errors[:2]
    for e in errors:
        assert e["Code"] == "AccessDenied", e
        assert "guard against mass deletion" in e["Message"], e
    try:
        s3.put_object(Bucket=bucket, Key="after.txt", Body=b"x")
        raise AssertionError("a write after the trip went through")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDenied", e.response
        assert "guard against mass deletion" in e.response["Error"]["Message"], e.response
    # Reads go on.
    assert s3.get_object(Bucket=bucket, Key=keys[-1])["Body"].read() == b"hello"


globals()["case_" + CASE]()
print("ok")
