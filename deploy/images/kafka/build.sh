#!/usr/bin/env bash
# Builds the local Kafka 3.9.1 broker image without any registry:
#   1. base image $KYC_JRE_IMAGE (default localhost/kyc-jre:17-bookworm), made
#      once with debootstrap (Debian bookworm minbase + openjdk-17-jre-headless)
#      and `podman import` (or docker import);
#   2. Kafka's runtime jars from Maven Central (pom.xml, maven-dependency-plugin;
#      Maven's own cache, ~/.m2, is reused);
#   3. `podman build` (or docker build) of Containerfile FROM the base image.
#
# Usage: build.sh IMAGE[:TAG] [LABEL=VALUE ...]
# Env:   KYC_CONTAINER_CLI (podman, the default, or docker), KYC_JRE_IMAGE,
#        DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail

IMAGE="${1:?usage: build.sh IMAGE[:TAG] [LABEL=VALUE ...]}"
shift
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JRE_IMAGE="${KYC_JRE_IMAGE:-localhost/kyc-jre:17-bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

say() { echo "==> $*" >&2; }

# need COMMAND DEBIAN_PACKAGE: install the package when missing (root on Debian),
# otherwise fail saying what to install.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing $2 (apt-get) ..."
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2
  else
    echo "error: '$1' not found; install the Debian package '$2' (apt-get install $2)" >&2
    exit 1
  fi
}

CLI="${KYC_CONTAINER_CLI:-podman}"
if [[ "$CLI" == podman ]]; then need podman podman; else need "$CLI" docker.io; fi
image_exists() { "$CLI" image inspect --format '{{.Id}}' "$1" >/dev/null 2>&1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyc-kafka-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# 1. JRE base image -----------------------------------------------------------
if image_exists "$JRE_IMAGE"; then
  say "base image $JRE_IMAGE exists"
else
  need debootstrap debootstrap
  [[ "$(id -u)" == 0 ]] || { echo "error: debootstrap needs root to build $JRE_IMAGE" >&2; exit 1; }
  say "debootstrap bookworm + openjdk-17-jre-headless (about a minute) ..."
  ROOTFS="$WORK/rootfs"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless \
    bookworm "$ROOTFS" "$DEBIAN_MIRROR" >&2
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
    "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/locale/*
  say "importing $JRE_IMAGE ..."
  tar -C "$ROOTFS" --numeric-owner -c . | "$CLI" import \
    --change "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    - "$JRE_IMAGE" >&2
  rm -rf "$ROOTFS"
fi

# 2. Kafka jars ---------------------------------------------------------------
need mvn maven
say "resolving org.apache.kafka:kafka_2.13:3.9.1 runtime jars (Maven Central) ..."
CTX="$WORK/context"
mkdir -p "$CTX/libs"
mvn -B -ntp -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$CTX/libs" >&2
rm -rf "$HERE/target"   # maven may leave an empty target/ next to the pom
cp "$HERE/Containerfile" "$HERE/kafka-entrypoint.sh" "$HERE/server.properties" \
  "$HERE/log4j.properties" "$HERE/tools-log4j.properties" "$CTX/"

# 3. Image -------------------------------------------------------------------
label_args=()
for l in "$@"; do label_args+=(--label "$l"); done
say "$CLI build $IMAGE ..."
"$CLI" build --build-arg JRE_IMAGE="$JRE_IMAGE" "${label_args[@]}" \
  -t "$IMAGE" -f "$CTX/Containerfile" "$CTX" >&2
say "built $IMAGE"
