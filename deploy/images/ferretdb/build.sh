#!/usr/bin/env bash
# Builds the local FerretDB v1 image (MongoDB wire protocol, SQLite backend)
# without any registry: a static pure-Go binary (CGO_ENABLED=0) of main.go in a
# FROM-scratch image (Containerfile).
#
# Usage: build.sh IMAGE[:TAG] [LABEL=VALUE ...]
# Env:   KYC_CONTAINER_CLI  podman (default) or docker
# Needs: podman or docker, Go >= 1.21 (older or missing Go: a Go toolchain is fetched
# from the Go module proxy into ~/.cache/kyc-dev-services). Go's own module
# and build caches are reused.
set -euo pipefail

IMAGE="${1:?usage: build.sh IMAGE[:TAG] [LABEL=VALUE ...]}"
shift
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GO_FALLBACK_VERSION=1.24.5

say() { echo "==> $*" >&2; }

CLI="${KYC_CONTAINER_CLI:-podman}"
command -v "$CLI" >/dev/null 2>&1 || {
  echo "error: $CLI not found; install the Debian packages 'podman runc' (apt-get install podman runc)" >&2
  exit 1
}

# go_ok: a Go that can build this module (>= 1.21 fetches the toolchain named
# in go.mod by itself through GOTOOLCHAIN=auto).
go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v
  v="$(go env GOVERSION 2>/dev/null || true)"   # e.g. go1.22.5
  [[ "$v" =~ ^go1\.([0-9]+) ]] && (( BASH_REMATCH[1] >= 21 ))
}

if ! go_ok; then
  case "$(uname -m)" in
    x86_64) goarch=amd64 ;;
    aarch64 | arm64) goarch=arm64 ;;
    *) echo "error: no usable Go; install Go >= 1.21 (https://go.dev/dl/)" >&2; exit 1 ;;
  esac
  GOROOT_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/kyc-dev-services/go$GO_FALLBACK_VERSION"
  if [[ ! -x "$GOROOT_DIR/bin/go" ]]; then
    proxy="$(go env GOPROXY 2>/dev/null || echo "${GOPROXY:-https://proxy.golang.org}")"
    proxy="${proxy%%,*}"
    [[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
    zipurl="$proxy/golang.org/toolchain/@v/v0.0.1-go$GO_FALLBACK_VERSION.linux-$goarch.zip"
    say "fetching Go $GO_FALLBACK_VERSION toolchain from $zipurl ..."
    tmpzip="$(mktemp)"
    curl -fsSL -o "$tmpzip" "$zipurl"
    tmpdir="$(mktemp -d)"
    python3 -m zipfile -e "$tmpzip" "$tmpdir" 2>/dev/null || unzip -q "$tmpzip" -d "$tmpdir"
    mkdir -p "$(dirname "$GOROOT_DIR")"
    rm -rf "$GOROOT_DIR"
    mv "$tmpdir"/golang.org/toolchain@*/ "$GOROOT_DIR"
    chmod -R u+x "$GOROOT_DIR/bin" "$GOROOT_DIR/pkg/tool"
    rm -rf "$tmpzip" "$tmpdir"
  fi
  export PATH="$GOROOT_DIR/bin:$PATH"
  export GOTOOLCHAIN=local
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyc-ferretdb-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
CTX="$WORK/context"
ROOTFS="$CTX/rootfs"
mkdir -p "$ROOTFS/state" "$ROOTFS/tmp"
chmod 1777 "$ROOTFS/tmp"

say "go build (FerretDB v1, CGO_ENABLED=0) with $(go version) ..."
(
  cd "$HERE"
  CGO_ENABLED=0 go build -v -trimpath -ldflags='-s -w' -o "$ROOTFS/ferretdb" .
) >&2

cp "$HERE/Containerfile" "$CTX/Containerfile"
label_args=()
for l in "$@"; do label_args+=(--label "$l"); done

say "$CLI build $IMAGE ..."
"$CLI" build "${label_args[@]}" -t "$IMAGE" -f "$CTX/Containerfile" "$CTX" >&2
say "built $IMAGE"
