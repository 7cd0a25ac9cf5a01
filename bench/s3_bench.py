"""S3 loads for bench/s3.sh, with boto3: one large object and many small ones.

    python3 s3_bench.py ENDPOINT ACCESS_KEY SECRET_KEY BUCKET big FILE
    python3 s3_bench.py ENDPOINT ACCESS_KEY SECRET_KEY BUCKET small COUNT CONC

`big` uploads FILE (boto3's managed transfer: multipart, 8 MiB parts, 10 threads), downloads
it back to FILE.back and checks the bytes; `small` PUTs COUNT objects of 4 KiB over CONC
threads, then GETs each once and checks it. Prints `put_seconds get_seconds`.
"""

import filecmp
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

endpoint, access, secret, bucket, kind = sys.argv[1:6]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    aws_access_key_id=access,
    aws_secret_access_key=secret,
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, max_pool_connections=64),
)
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.ClientError:
    pass

if kind == "big":
    path = sys.argv[6]
    cfg = TransferConfig(multipart_chunksize=8 << 20, max_concurrency=10)
    t0 = time.monotonic()
    s3.upload_file(path, bucket, "big.bin", Config=cfg)
    t1 = time.monotonic()
    s3.download_file(bucket, "big.bin", path + ".back", Config=cfg)
    t2 = time.monotonic()
    assert filecmp.cmp(path, path + ".back", shallow=False)
    os.remove(path + ".back")
    s3.delete_object(Bucket=bucket, Key="big.bin")
else:
    count, conc = int(sys.argv[6]), int(sys.argv[7])
    body = bytes(range(256)) * 16

    def put(i):
        s3.put_object(Bucket=bucket, Key=f"small/{i:05}", Body=body)

    def get(i):
        assert s3.get_object(Bucket=bucket, Key=f"small/{i:05}")["Body"].read() == body

    with ThreadPoolExecutor(conc) as pool:
        t0 = time.monotonic()
        list(pool.map(put, range(count)))
        t1 = time.monotonic()
        list(pool.map(get, range(count)))
        t2 = time.monotonic()
        for start in range(0, count, 1000):
            keys = [{"Key": f"small/{i:05}"} for i in range(start, min(count, start + 1000))]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
print(f"{t1 - t0:.2f} {t2 - t1:.2f}")
