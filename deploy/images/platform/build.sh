#!/usr/bin/env bash
# Builds the platform image (every service, one image) from a checkout whose workspaces are
# built (npx turbo run build), without any registry:
#   1. base image $KYC_NODE_IMAGE (default localhost/kyc-node:<node version>-bookworm), made once
#      with debootstrap (Debian bookworm minbase) plus this machine's node 20 binary, checked to
#      run inside that root filesystem, and `podman import` (or docker import);
#   2. stage.mjs stages the compiled workspaces and their production dependencies (no npm ci:
#      the host's node_modules, reduced to what `npm ls --omit=dev` names) and hashes them;
#   3. `podman build` (or docker build) of Containerfile FROM the base image, tagged
#      REPOSITORY:<version>-<hash> (and REPOSITORY:<version>). An existing tag is not rebuilt.
#
# Usage: build.sh [--tag-file FILE] [REPOSITORY]    (default localhost/kyc-platform)
#          --tag-file FILE  write the image tag there (it is also the last line of stdout)
#        build.sh --context DIR                      only stage the build context into DIR
# Env:   KYC_CONTAINER_CLI (podman, the default, or docker), KYC_NODE_IMAGE (a base image to use
#        instead, e.g. node:20-bookworm-slim where a registry is reachable), KYC_PLATFORM_VERSION
#        (default: the chart's appVersion), DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../../.." && pwd)"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
REPOSITORY=localhost/kyc-platform
TAG_FILE=""
CONTEXT_ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag-file) TAG_FILE="${2:?--tag-file needs a file}"; shift 2 ;;
    --context) CONTEXT_ONLY="${2:?--context needs a directory}"; shift 2 ;;
    -*) echo "error: unknown option $1 (usage: build.sh [--tag-file FILE] [REPOSITORY] | --context DIR)" >&2; exit 2 ;;
    *) REPOSITORY="$1"; shift ;;
  esac
done

say() { echo "==> $*" >&2; }

command -v node >/dev/null 2>&1 || { echo "error: node 20 is needed on this machine (it stages the build and is copied into the base image)" >&2; exit 1; }
NODE_VERSION="$(node -p process.versions.node)"
[[ "${NODE_VERSION%%.*}" == 20 ]] || { echo "error: node ${NODE_VERSION} found; the platform runs on node 20" >&2; exit 1; }

if [[ -n "$CONTEXT_ONLY" ]]; then
  mkdir -p "$CONTEXT_ONLY"
  [[ -z "$(ls -A "$CONTEXT_ONLY")" ]] || { echo "error: $CONTEXT_ONLY is not empty" >&2; exit 1; }
  say "staging the build context in $CONTEXT_ONLY ..."
  node "$HERE/stage.mjs" "$ROOT" "$CONTEXT_ONLY" >/dev/null
  cp "$HERE/Containerfile" "$CONTEXT_ONLY/"
  say "staged; build it with the commands in $CONTEXT_ONLY/Containerfile"
  exit 0
fi

CLI="${KYC_CONTAINER_CLI:-podman}"
command -v "$CLI" >/dev/null 2>&1 || { echo "error: '$CLI' not found (apt-get install podman, or KYC_CONTAINER_CLI=docker)" >&2; exit 1; }
image_id() { "$CLI" image inspect --format '{{.Id}}' "$1" 2>/dev/null; }
NODE_IMAGE="${KYC_NODE_IMAGE:-localhost/kyc-node:${NODE_VERSION}-bookworm}"
VERSION="${KYC_PLATFORM_VERSION:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$ROOT/deploy/helm/kyc-platform/Chart.yaml")}"
VERSION="${VERSION:-0.0.0}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyc-platform-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# 1. Base image: Debian minbase + node ----------------------------------------
if image_id "$NODE_IMAGE" >/dev/null; then
  say "base image $NODE_IMAGE exists"
elif [[ -n "${KYC_NODE_IMAGE:-}" ]]; then
  echo "error: base image $NODE_IMAGE (KYC_NODE_IMAGE) is not present; pull it first" >&2
  exit 1
else
  [[ "$(id -u)" == 0 ]] || { echo "error: debootstrap needs root to build $NODE_IMAGE" >&2; exit 1; }
  command -v debootstrap >/dev/null 2>&1 || { echo "error: 'debootstrap' not found (apt-get install debootstrap)" >&2; exit 1; }
  say "debootstrap bookworm minbase (about a minute) ..."
  ROOTFS="$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$ROOTFS" "$DEBIAN_MIRROR" >&2
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
    "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/locale/* "$ROOTFS"/usr/share/info/*
  say "adding node ${NODE_VERSION} ..."
  install -m 0755 "$(command -v node)" "$ROOTFS/usr/local/bin/node"
  # Drops debug sections and the static symbol table (about 12 MB); the dynamic symbols that
  # native addons link against stay.
  if command -v strip >/dev/null 2>&1; then strip --strip-unneeded "$ROOTFS/usr/local/bin/node"; fi
  # The binary's shared libraries (libstdc++, libgcc_s, libc) must come from the rootfs itself.
  chroot "$ROOTFS" /usr/local/bin/node -e 'process.exit(process.versions.node === process.argv[1] ? 0 : 1)' "$NODE_VERSION" \
    || { echo "error: node ${NODE_VERSION} does not run in the bookworm rootfs (missing shared libraries?)" >&2; exit 1; }
  say "importing $NODE_IMAGE ..."
  tar -C "$ROOTFS" --numeric-owner -c . | "$CLI" import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/usr/local/bin/node"]' \
    - "$NODE_IMAGE" >&2
  rm -rf "$ROOTFS"
fi

# 2. Content hash: staged output, Containerfile, base image ---------------------
say "hashing the staged build output ..."
STAGE_HASH="$(node "$HERE/stage.mjs" "$ROOT")"
content_hash() { { echo "$1"; sha256sum < "$HERE/Containerfile"; image_id "$NODE_IMAGE"; } | sha256sum | cut -c1-12; }
IMAGE="${REPOSITORY}:${VERSION}-$(content_hash "$STAGE_HASH")"
finish() {
  "$CLI" tag "$IMAGE" "${REPOSITORY}:${VERSION}" >&2
  [[ -z "$TAG_FILE" ]] || echo "$IMAGE" > "$TAG_FILE"
  echo "$IMAGE"
}
if image_id "$IMAGE" >/dev/null; then
  say "$IMAGE exists (same build output): nothing to build"
  finish
  exit 0
fi

# 3. Image -------------------------------------------------------------------
say "staging the build context ..."
CTX="$WORK/context"
mkdir -p "$CTX"
STAGED_HASH="$(node "$HERE/stage.mjs" "$ROOT" "$CTX")"
if [[ "$STAGED_HASH" != "$STAGE_HASH" ]]; then
  # The build output changed in between (a build was running): name the image after what was staged.
  IMAGE="${REPOSITORY}:${VERSION}-$(content_hash "$STAGED_HASH")"
  say "the build output changed while staging; building $IMAGE"
fi
cp "$HERE/Containerfile" "$CTX/"
SOURCE="$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || echo https://example.invalid/kyc-platform)"
REVISION="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
say "$CLI build $IMAGE ..."
"$CLI" build -f "$CTX/Containerfile" \
  --build-arg "NODE_IMAGE=$NODE_IMAGE" \
  --build-arg "VERSION=$VERSION" \
  --build-arg "REVISION=$REVISION" \
  --build-arg "SOURCE=$SOURCE" \
  --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --label "kyc.content-hash=${IMAGE##*-}" \
  -t "$IMAGE" "$CTX" >&2
say "built $IMAGE; run a service with: $CLI run --rm --read-only $IMAGE node services/gateway/dist/main.js"
# Earlier builds of this version are superseded; one a container still uses stays.
for old in $("$CLI" images --format '{{.Repository}}:{{.Tag}}' "$REPOSITORY"); do
  if [[ "$old" =~ ^"${REPOSITORY}:${VERSION}-"[0-9a-f]{12}$ && "$old" != "$IMAGE" ]]; then "$CLI" rmi "$old" >/dev/null 2>&1 || true; fi
done
finish
