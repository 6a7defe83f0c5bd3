#!/usr/bin/env bash
# Checks what a newcomer gets on a fresh Debian machine: removes everything a first run of
# `npm ci && npm test` installs and caches, clones this repository's HEAD into a temporary
# folder and runs there exactly what .ci/run runs (`npm ci --no-audit --no-fund`, `npm test`),
# timing each phase.
#
# Usage: deploy/fresh-machine-check.sh [--runs N] [--keep] [--yes] [--dry-run]
#   --runs N    repeat N times in a row, each from a reset (default 1)
#   --keep      keep the clones (default: removed after each run; logs are always kept)
#   --yes       start at once (default: the plan is printed, then 10 s to press Ctrl-C)
#   --dry-run   print the plan (what would be removed, and what would run) and stop
#
# Root on Debian only: it purges packages and wipes machine-wide caches (Go, npm, Maven, pip).
# Everything it removes is listed before it starts. Uncommitted changes are not checked: the
# clone is of HEAD. Nothing in the repository reads ../shared, so the clone needs nothing beside it.
#
# Output: one line per phase with its elapsed time (reset, clone, npm ci, npm test), the
# output of npm ci and npm test as a newcomer sees it, a line per run and a summary line.
# Logs: ${TMPDIR:-/tmp}/kyc-fresh-machine-check.XXXXXX/run-N/logs/ (reset, clone, npm ci,
# npm test, and the phase logs of @kyc/dev-services and deploy/helm/check.sh, through
# KYC_LOG_DIR). Exit status: that of the first run whose `npm ci && npm test` failed, else 0;
# a failing reset or clone stops the check at once with its own status.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/phase.sh
source "${HERE}/lib/phase.sh"
PHASE_PREFIX='[fresh-machine-check]'

say() { printf '%s %s\n' "${PHASE_PREFIX}" "$*"; }
outcome() { if (($1 == 0)); then echo 'done'; else echo "FAILED (exit $1)"; fi; }
die() { printf '%s error: %s\n' "${PHASE_PREFIX}" "$*" >&2; exit 2; }

RUNS=1 KEEP=0 YES=0 DRY_RUN=0
while (($#)); do
  case "$1" in
    --runs) RUNS="${2:-}"; shift 2 || die "--runs needs a number" ;;
    --runs=*) RUNS="${1#--runs=}"; shift ;;
    --keep) KEEP=1; shift ;;
    --yes | -y) YES=1; shift ;;
    --dry-run | -n) DRY_RUN=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "${RUNS}" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number, not '${RUNS}'"

# ---------------------------------------------------------------------------------------------
# Preconditions
# ---------------------------------------------------------------------------------------------
debian=0
[[ -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1 && debian=1
if [[ "$(id -u)" != 0 || ${debian} != 1 ]]; then
  ((DRY_RUN)) || die "refusing to run: this needs root on Debian (it purges packages and wipes machine-wide caches); --dry-run shows the plan"
  say "note: not root on Debian: a real run would refuse"
fi
for tool in git node npm; do command -v "${tool}" >/dev/null 2>&1 || die "'${tool}' not found (the check needs git and Node 20 with npm)"; done

REPO="$(git -C "${HERE}" rev-parse --show-toplevel)"
HEAD_COMMIT="$(git -C "${REPO}" rev-parse HEAD)"

# ---------------------------------------------------------------------------------------------
# What a first run installs and caches (see packages/dev-services/src/engine.ts and images.ts,
# deploy/images/*/build.sh, deploy/helm/check.sh)
# ---------------------------------------------------------------------------------------------
CACHE="${XDG_CACHE_HOME:-${HOME}/.cache}"
TMP="${TMPDIR:-/tmp}"
PACKAGES=(podman runc debootstrap)                          # engine.ts: apt-get install
CONTAINERS_CONF=/etc/containers/containers.conf              # engine.ts writes it when absent
CONTAINERS_CONF_MARK='Written by @kyc/dev-services'
PODMAN_SOCKET=/run/podman/podman.sock                        # engine.ts: podman system service
PODMAN_DIRS=(/var/lib/containers/storage /run/containers/storage /run/libpod)
DEV_SERVICES_DIRS=(
  "${TMP}/kyc-dev-services-locks"                            # lock.ts (os.tmpdir())
  "${CACHE}/kyc-dev-services"                                # ferretdb/build.sh: fallback Go toolchain
)
DEV_SERVICES_GLOBS=("${TMP}"/kyc-kafka-build.* "${TMP}"/kyc-ferretdb-build.*)   # builds cut short
TOOLS_DIR="${KYC_TOOLS_DIR:-${HOME}/.cache/kyc-tools}"      # check.sh: helm, kubernetes-validate venv
MAVEN_REPO="${HOME}/.m2/repository"                          # kafka/build.sh: mvn dependency:copy-dependencies
OTHER_CACHES=(
  "${TOOLS_DIR}"
  "${MAVEN_REPO}"
  "${CACHE}/pip"                                             # check.sh: pip install kubernetes-validate
  "${CACHE}/buf"                                             # @kyc/contracts lint: buf lint
  "${KYC_DEV_PKI_DIR:-${CACHE}/kyc-platform/dev-pki}"         # dev-platform: dev CA and service certificates
)
GO_DIRS=()                                                   # ferretdb/build.sh go build, check.sh go install
if command -v go >/dev/null 2>&1; then
  mapfile -t GO_DIRS < <(cd / && GOTOOLCHAIN=local go env GOCACHE GOMODCACHE)
fi
NPM_CACHE="$(npm config get cache 2>/dev/null || echo "${HOME}/.npm")"
# Variables that would skip the first-run work (engine, images) in the clone's test run.
CLEARED_ENV=(DOCKER_HOST TESTCONTAINERS_RYUK_DISABLED TESTCONTAINERS_HOST_OVERRIDE KYC_KAFKA_IMAGE KYC_MONGO_IMAGE KYC_DEV_IMAGES KYC_DEV_PKI_DIR)

installed_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f '${db:Status-Status}' "${p}" 2>/dev/null)" == installed ]] && printf '%s\n' "${p}"
  done
  return 0
}

# Pids of podman API services (`podman system service …`), by their command line.
podman_service_pids() {
  local dir args
  for dir in /proc/[0-9]*; do
    args="$(tr '\0' ' ' 2>/dev/null <"${dir}/cmdline")" || continue
    [[ "${args}" == podman\ system\ service\ * || "${args}" == */podman\ system\ service\ * ]] && printf '%s\n' "${dir#/proc/}"
  done
  return 0
}

describe() {
  local path size
  for path in "$@"; do
    if [[ -e "${path}" ]]; then
      size="$(du -sh "${path}" 2>/dev/null | cut -f1)" || size='?'
      printf '      %s (%s)\n' "${path}" "${size:-?}"
    else
      printf '      %s (absent)\n' "${path}"
    fi
  done
}

print_plan() {
  local pkgs pids removals
  mapfile -t pkgs < <(installed_packages)
  mapfile -t pids < <(podman_service_pids)
  say "repository ${REPO} at ${HEAD_COMMIT:0:12}; ${RUNS} run(s); clones $([[ ${KEEP} == 1 ]] && echo kept || echo removed after each run)"
  if [[ -n "$(git -C "${REPO}" status --porcelain)" ]]; then
    say "note: the working tree has uncommitted changes; they are NOT part of the check (the clone is of HEAD)"
  fi
  if [[ -S /var/run/docker.sock ]]; then
    say "note: /var/run/docker.sock exists: if a Docker engine answers there, @kyc/dev-services uses it and the podman first run is not exercised"
  fi
  say "each run first removes:"
  printf '  1. podman API service: %s; its socket %s and log\n' "${pids[*]:-(none running)}" "${PODMAN_SOCKET}"
  if command -v podman >/dev/null 2>&1; then
    printf '  2. every podman container, image (localhost/kyc-kafka, kyc-ferretdb, kyc-jre, ...), volume and its storage: podman system reset -f\n'
  else
    printf '  2. podman containers/images: none (podman not installed)\n'
  fi
  if ((${#pkgs[@]})); then
    mapfile -t removals < <(apt-get -s purge --autoremove "${pkgs[@]}" 2>/dev/null | awk '$1 == "Purg" || $1 == "Remv" { print $2 }')
    printf '  3. apt-get purge --autoremove %s, which removes %s packages:\n' "${pkgs[*]}" "${#removals[@]}"
    printf '%s\n' "${removals[*]}" | fold -s -w 92 | sed -e 's/ *$//' -e 's/^/      /'
  else
    printf '  3. packages: none of %s is installed\n' "${PACKAGES[*]}"
  fi
  if [[ -f "${CONTAINERS_CONF}" ]] && grep -q "${CONTAINERS_CONF_MARK}" "${CONTAINERS_CONF}"; then
    printf '  4. %s (written by @kyc/dev-services)\n' "${CONTAINERS_CONF}"
  elif [[ -f "${CONTAINERS_CONF}" ]]; then
    printf '  4. %s is KEPT: not written by @kyc/dev-services\n' "${CONTAINERS_CONF}"
  else
    printf '  4. %s: absent\n' "${CONTAINERS_CONF}"
  fi
  printf '  5. container storage left over:\n'
  describe "${PODMAN_DIRS[@]}"
  printf '  6. @kyc/dev-services build state (locks, Go toolchain fallback, interrupted builds):\n'
  describe "${DEV_SERVICES_DIRS[@]}" "${DEV_SERVICES_GLOBS[@]}"
  if ((${#GO_DIRS[@]})); then
    printf '  7. Go build and module caches (FerretDB and helm builds): go clean -cache -modcache\n'
    describe "${GO_DIRS[@]}"
  else
    printf '  7. Go caches: none (go not installed)\n'
  fi
  printf '  8. helm / kubernetes-validate (check.sh), Maven repository (Kafka jars), pip and buf caches:\n'
  describe "${OTHER_CACHES[@]}"
  printf '  9. npm cache: npm cache clean --force\n'
  describe "${NPM_CACHE}"
  say "then: git clone of ${HEAD_COMMIT:0:12} into ${TMP}/kyc-fresh-machine-check.XXXXXX/run-N/main; there 'npm ci --no-audit --no-fund' and 'npm test' (as .ci/run) with ${CLEARED_ENV[*]} unset and KYC_LOG_DIR=…/run-N/logs"
  say "kept: phase logs under $(phase_log_dir) (runs log to their own folder), the repository itself, Node and Go installations"
}

# shellcheck disable=SC2317  # run through phase_run
reset_machine() {
  local pids pkgs pid
  mapfile -t pids < <(podman_service_pids)
  if ((${#pids[@]})); then
    echo "stopping podman API service ${pids[*]}"
    kill "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      mapfile -t pids < <(podman_service_pids)
      ((${#pids[@]})) || break
      sleep 0.2
    done
    for pid in "${pids[@]}"; do kill -KILL "${pid}" 2>/dev/null || true; done
  fi
  rm -f "${PODMAN_SOCKET}" "$(dirname "${PODMAN_SOCKET}")/podman-service.log"
  if command -v podman >/dev/null 2>&1; then
    podman system reset -f || echo "podman system reset failed: removing its storage directly below"
  fi
  mapfile -t pkgs < <(installed_packages)
  if ((${#pkgs[@]})); then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y --autoremove "${pkgs[@]}"
  fi
  if [[ -f "${CONTAINERS_CONF}" ]] && grep -q "${CONTAINERS_CONF_MARK}" "${CONTAINERS_CONF}"; then
    rm -f "${CONTAINERS_CONF}"
  fi
  rm -rf "${PODMAN_DIRS[@]}" "${DEV_SERVICES_DIRS[@]}" "${TMP}"/kyc-kafka-build.* "${TMP}"/kyc-ferretdb-build.*
  if command -v go >/dev/null 2>&1; then
    (cd / && GOTOOLCHAIN=local go clean -cache -modcache)
  fi
  rm -rf "${OTHER_CACHES[@]}"
  npm cache clean --force
  echo "reset done"
}

# shellcheck disable=SC2317  # run through phase_run
clone() {
  git clone --quiet --no-hardlinks "${REPO}" "$1"
  git -C "$1" checkout --quiet --detach "${HEAD_COMMIT}"
  git -C "$1" log -1 --format='cloned %h %s'
}

# ---------------------------------------------------------------------------------------------
# Plan
# ---------------------------------------------------------------------------------------------
print_plan
if ((DRY_RUN)); then
  say "dry run: nothing removed, nothing run"
  exit 0
fi
if ((!YES)); then
  say "starting in 10 s (Ctrl-C to abort; --yes skips this wait)"
  sleep 10
fi

WORK="$(mktemp -d "${TMP}/kyc-fresh-machine-check.XXXXXX")"
unset "${CLEARED_ENV[@]}"
summaries=()
exit_status=0
passed_runs=0

for ((run = 1; run <= RUNS; run++)); do
  RUN_DIR="${WORK}/run-${run}"
  mkdir -p "${RUN_DIR}/logs"
  export KYC_LOG_DIR="${RUN_DIR}/logs"
  say "── run ${run}/${RUNS} (logs: ${KYC_LOG_DIR})"

  phase_run "reset (remove what a first run installs and caches)" reset reset_machine
  t_reset="${PHASE_ELAPSED}"
  phase_run "git clone ${HEAD_COMMIT:0:12}" clone clone "${RUN_DIR}/main"
  t_clone="${PHASE_ELAPSED}"

  status=0 t_test='-' tests=''
  say "npm ci --no-audit --no-fund (output follows) ..."
  t0="$(_phase_now)"
  (cd "${RUN_DIR}/main" && npm ci --no-audit --no-fund) 2>&1 | tee "${KYC_LOG_DIR}/npm-ci.log" || status=$?
  t_ci="$(phase_elapsed "${t0}")"
  say "npm ci ... $(outcome "${status}") in ${t_ci} s"
  if ((status == 0)); then
    say "npm test (output follows) ..."
    t0="$(_phase_now)"
    (cd "${RUN_DIR}/main" && npm test) 2>&1 | tee "${KYC_LOG_DIR}/npm-test.log" || status=$?
    t_test="$(phase_elapsed "${t0}")"
    # One figure for all the Jest runs turbo made, as .ci/run prints it.
    tests="$({ grep -oE 'Tests: .*' "${KYC_LOG_DIR}/npm-test.log" || true; } | awk '{ for (i = 2; i < NF; i++) { if ($(i + 1) ~ /^passed/) p += $i; if ($(i + 1) ~ /^failed/) f += $i } } END { printf "%d passed, %d failed", p, f }')"
    say "npm test ... $(outcome "${status}") in ${t_test} s (${tests})"
  fi

  ((KEEP)) || rm -rf "${RUN_DIR}/main"
  summaries+=("run ${run}/${RUNS} $( ((status == 0)) && echo PASSED || echo "FAILED (exit ${status})"): reset ${t_reset} s, clone ${t_clone} s, npm ci ${t_ci} s, npm test ${t_test} s${tests:+ (${tests})}")
  say "${summaries[-1]}"
  if ((status == 0)); then
    passed_runs=$((passed_runs + 1))
  elif ((exit_status == 0)); then
    exit_status=${status}
  fi
done

say "── summary (logs: ${WORK}$( ((KEEP)) && echo "; clones: ${WORK}/run-*/main"))"
for line in "${summaries[@]}"; do say "  ${line}"; done
say "fresh-machine check of ${HEAD_COMMIT:0:12}: ${passed_runs}/${RUNS} runs passed; exit ${exit_status}"
exit "${exit_status}"
