#!/usr/bin/env bash
# Runs schemathesis against a running platform: every operation of the gateway's own port from
# its served /openapi.json, then the reviewer operations against the reviewer port (a separate
# listener with its own bearer tokens). Credentials for the contracts come from the file
# KYC_ST_CREDENTIALS names (see hooks.py); checks, budgets and the fixed seed from
# schemathesis.toml. Reports (JUnit XML, NDJSON events) go to REPORT_DIR/<gateway|reviewer>/.
#   usage: run.sh GATEWAY_URL REVIEWER_URL REVIEWER_TOKEN REPORT_DIR
# Exits 0 when both runs pass, non-zero otherwise.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GATEWAY_URL="$1" REVIEWER_URL="$2" REVIEWER_TOKEN="$3" REPORT_DIR="$4"
: "${KYC_ST_CREDENTIALS:?KYC_ST_CREDENTIALS must name the credentials file}"

PY="$("${HERE}/setup-venv.sh" | tail -n 1)" || exit 2
ST="$(dirname "${PY}")/st"
export PYTHONPATH="${HERE}${PYTHONPATH:+:${PYTHONPATH}}" SCHEMATHESIS_HOOKS=hooks NO_COLOR=1

run() {
  local name="$1"; shift
  mkdir -p "${REPORT_DIR}/${name}"
  "${ST}" --config-file "${HERE}/schemathesis.toml" run "$@" \
    --report junit,ndjson --report-dir "${REPORT_DIR}/${name}"
}

status=0
run gateway "${GATEWAY_URL}/openapi.json" --url "${GATEWAY_URL}" --exclude-tag reviewer || status=1
run reviewer "${GATEWAY_URL}/openapi.json" --url "${REVIEWER_URL}" --include-tag reviewer \
  --header "Authorization: Bearer ${REVIEWER_TOKEN}" || status=1
exit "${status}"
