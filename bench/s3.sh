#!/usr/bin/env bash
# The S3 endpoint: Stratus against s3s-fs (the reference S3 server of the s3s project, one file
# per object) on the same disk, in one run, both driven by boto3 (bench/s3_bench.py):
#
#   1. PUT and GET of one object of BIG_MIB (default 1024) MiB: boto3's managed transfer
#      (multipart, 8 MiB parts, 10 threads), the download checked byte for byte.
#   2. PUT and GET of SMALL (default 1,000) objects of 4 KiB at concurrency CONC (default 16).
#
# Prints each time and the ratio s3s-fs / Stratus (above 1: Stratus is faster), and Stratus's
# peak resident memory (VmHWM) after the large upload. Everything it writes is deleted (its
# work folder is removed on exit).
#
#   bash bench/s3.sh
#   STRATUS_BIN=target/debug/stratus BIG_MIB=256 bash bench/s3.sh
#
# Needs s3s-fs on PATH (or in $CARGO_TARGET_DIR/tools/bin, where .ci/run installs it: `cargo install s3s-fs@0.14.1
# --features binary`), boto3, curl and jq. Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIG_MIB=${BIG_MIB:-1024}
SMALL=${SMALL:-1000}
CONC=${CONC:-16}
PYTHON=${STRATUS_BOTO3_PYTHON:-python3}
export PATH="${STRATUS_TOOLS_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/stratus-target}/tools}/bin:$PATH"
source bench/lib.sh
KILL_ON_EXIT+=(S3FS_PID)

need curl curl
need jq jq
command -v s3s-fs >/dev/null || { echo "s3s-fs not found: cargo install s3s-fs@0.14.1 --features binary" >&2; exit 1; }
"$PYTHON" -c 'import boto3' || { echo "boto3 not found for $PYTHON" >&2; exit 1; }
build_stratus
trap 'echo "s3.sh failed at line $LINENO" >&2' ERR

# ---- Stratus, with its S3 endpoint and a key for the whole drive ------------------------------
start_stratus_s3

# ---- s3s-fs, on the same disk ------------------------------------------------------------------
mkdir -p "$WORK/s3s"
FPORT=$(free_port)
s3s-fs --host 127.0.0.1 --port "$FPORT" --access-key benchkey --secret-key benchsecret "$WORK/s3s" \
    >"$WORK/s3s.log" 2>&1 &
S3FS_PID=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$FPORT/" >/dev/null && break; sleep 0.1; done
F_URL="http://127.0.0.1:$FPORT"

head -c $((BIG_MIB << 20)) /dev/urandom >"$WORK/big.bin"

run() { "$PYTHON" bench/s3_bench.py "$@"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

read -r S_BIG_PUT S_BIG_GET < <(run "$S_URL" "$S_AK" "$S_SK" bench big "$WORK/big.bin")
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$STRATUS_PID/status")
read -r F_BIG_PUT F_BIG_GET < <(run "$F_URL" benchkey benchsecret bench big "$WORK/big.bin")
rm -f "$WORK/big.bin"
read -r S_SMALL_PUT S_SMALL_GET < <(run "$S_URL" "$S_AK" "$S_SK" bench small "$SMALL" "$CONC")
read -r F_SMALL_PUT F_SMALL_GET < <(run "$F_URL" benchkey benchsecret bench small "$SMALL" "$CONC")

printf '%-34s %10s %10s %8s\n' "" "Stratus" "s3s-fs" "ratio"
printf '%-34s %9ss %9ss %8s\n' "PUT ${BIG_MIB} MiB (multipart)" "$S_BIG_PUT" "$F_BIG_PUT" "$(ratio "$F_BIG_PUT" "$S_BIG_PUT")"
printf '%-34s %9ss %9ss %8s\n' "GET ${BIG_MIB} MiB" "$S_BIG_GET" "$F_BIG_GET" "$(ratio "$F_BIG_GET" "$S_BIG_GET")"
printf '%-34s %9ss %9ss %8s\n' "PUT ${SMALL} x 4 KiB (conc $CONC)" "$S_SMALL_PUT" "$F_SMALL_PUT" "$(ratio "$F_SMALL_PUT" "$S_SMALL_PUT")"
printf '%-34s %9ss %9ss %8s\n' "GET ${SMALL} x 4 KiB (conc $CONC)" "$S_SMALL_GET" "$F_SMALL_GET" "$(ratio "$F_SMALL_GET" "$S_SMALL_GET")"
echo "Stratus peak resident memory after the large upload: $((HWM / 1024)) MiB"
