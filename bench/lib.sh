# Shared by the scripts of bench/ (source it from the repository root, after `set -euo pipefail`):
# tools installed when missing, a private copy of the release build, a work folder removed on
# exit, free ports, and a Stratus server on 127.0.0.1 with a signed-in user.
#
#   need CMD PKG          install PKG with apt-get when CMD is missing
#   build_stratus         release build, copied to $BIN inside $WORK
#   free_port             a free TCP port on 127.0.0.1
#   start_stratus PORT    `stratus serve` on PORT with $WORK/data; sets STRATUS_PID and API
#   sign_in               an access token for $EMAIL / $PASSWORD
#
# Processes whose PID variables are listed in KILL_ON_EXIT (STRATUS_PID always) are stopped on
# exit, as is anything with a `*.pid` file directly in $WORK, before $WORK is removed.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stratus-target}"
EMAIL=bench@example.com
PASSWORD=bench-password-1

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q "$2"; }; }

WORK=$(mktemp -d)
chmod 755 "$WORK"
KILL_ON_EXIT=(STRATUS_PID)

bench_cleanup() {
    local var pidfile
    for var in "${KILL_ON_EXIT[@]}"; do
        if [[ -n "${!var:-}" ]]; then kill "${!var}" 2>/dev/null || true; fi
    done
    for pidfile in "$WORK"/*.pid; do
        if [[ -f "$pidfile" ]]; then kill "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true; fi
    done
    sleep 0.3
    rm -rf "$WORK"
}
trap bench_cleanup EXIT

# The target dir may be shared with other checkouts: each run uses a private copy.
build_stratus() {
    cargo build --release -q -p stratus-server --bin stratus
    BIN="$WORK/stratus"
    cp "$CARGO_TARGET_DIR/release/stratus" "$BIN"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_stratus() {
    "$BIN" --data-dir "$WORK/data" --listen "127.0.0.1:$1" serve >"$WORK/stratus.log" 2>&1 &
    STRATUS_PID=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && break; sleep 0.1; done
    API="http://127.0.0.1:$1/api/v4"
}

sign_in() {
    curl -fs -H 'content-type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$API/session/token" |
        jq -er '.data.token.access_token'
}
