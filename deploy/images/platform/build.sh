#!/usr/bin/env bash
# Builds the platform image (every service, one image) from the repository root.
#
# Usage: build.sh [IMAGE[:TAG]]            (default localhost/kyc-platform:dev)
# Env:   KYC_CONTAINER_CLI  podman (default) or docker
#        NODE_IMAGE         base image (default node:20-bookworm-slim; a registry must serve it)
set -euo pipefail
IMAGE="${1:-localhost/kyc-platform:dev}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../../.." && pwd)"
CLI="${KYC_CONTAINER_CLI:-podman}"
NODE_IMAGE="${NODE_IMAGE:-node:20-bookworm-slim}"
command -v "${CLI}" >/dev/null 2>&1 || { echo "error: '${CLI}' not found (apt-get install podman, or KYC_CONTAINER_CLI=docker)" >&2; exit 1; }

args=(build -f "${HERE}/Containerfile" --build-arg "NODE_IMAGE=${NODE_IMAGE}" -t "${IMAGE}")
# docker (BuildKit) picks up Containerfile.dockerignore by itself; podman needs it named.
[[ "${CLI}" == podman ]] && args+=(--ignorefile "${HERE}/Containerfile.dockerignore")
"${CLI}" "${args[@]}" "${ROOT}"
echo "built ${IMAGE}; run a service with: ${CLI} run --rm --read-only ${IMAGE} node services/gateway/dist/main.js" >&2
