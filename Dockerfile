# syntax=docker/dockerfile:1
#
# Stratus container image.
#
#   docker build -t stratus .
#   docker run -p 5212:5212 -v stratus-data:/data stratus
#
# Or `docker compose up -d` for Stratus + PostgreSQL + MinIO (see docker-compose.yml).

# --- Web UI -------------------------------------------------------------------------------------
# Builds frontend/dist when the repository has a frontend (frontend/package.json); otherwise leaves
# an empty dist and the server shows its built-in placeholder page. The whole (filtered) context is
# copied because frontend/ may not exist at all, which a plain `COPY frontend/` would reject.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.npm \
    set -eu; \
    mkdir -p frontend/dist; \
    if [ -f frontend/package.json ]; then \
        cd frontend; \
        if [ -f package-lock.json ]; then PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; \
        else PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund; fi; \
        npm run build; \
    fi

# --- Server -------------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /src
COPY . .
# The server embeds frontend/dist at compile time; it was built above, so build.rs does not.
COPY --from=frontend /src/frontend/dist ./frontend/dist
ENV STRATUS_BUILD_UI=0
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p stratus-server --bin stratus \
    && install -m 0755 target/release/stratus /usr/local/bin/stratus

# --- Runtime ------------------------------------------------------------------------------------
FROM debian:bookworm-slim

# The tools the thumbnail generators and media metadata use, found and switched on at a new
# installation's first start: ffmpeg/ffprobe, libvips (vips), poppler (pdftoppm), LibRaw
# (simple_dcraw), libheif (heif-convert). bubblewrap confines them where the container may make
# user namespaces; in a default container it cannot, and they run under Landlock instead
# (STRATUS_SANDBOX, docs/install.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
        ffmpeg libvips-tools poppler-utils libraw-bin libheif-examples bubblewrap \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 stratus \
    && useradd --system --uid 10001 --gid stratus --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin stratus \
    && mkdir -p /data \
    && chown stratus:stratus /data

COPY --from=builder /usr/local/bin/stratus /usr/local/bin/stratus

ENV STRATUS_DATA_DIR=/data \
    STRATUS_LISTEN=0.0.0.0:5212

VOLUME ["/data"]
EXPOSE 5212
USER stratus
WORKDIR /data

# No curl in the image: bash's /dev/tcp sends a plain HTTP request to /healthz on the port from
# STRATUS_LISTEN and checks for a 200 status line (the server answers 503 when the database is down
# or the default storage policy cannot be written).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "port=${STRATUS_LISTEN##*:}; exec 3<>/dev/tcp/127.0.0.1/${port:-5212} || exit 1; printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3; read -r -t 4 _ status _ <&3; [ \"$status\" = 200 ]"]

ENTRYPOINT ["stratus"]
CMD ["serve"]
