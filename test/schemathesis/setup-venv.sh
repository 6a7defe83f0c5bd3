#!/usr/bin/env bash
# Creates (once) the virtual environment schemathesis runs from, cached under the tool cache and
# keyed by the hash of requirements.txt, so a warm run costs nothing and a changed pin rebuilds it.
# Prints the venv's python on the last line of stdout.
#   KYC_TOOLS_DIR  tool cache (default $HOME/.cache/kyc-tools)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="${KYC_TOOLS_DIR:-${HOME}/.cache/kyc-tools}"
REQ="${HERE}/requirements.txt"
VERSION="$(sed -n 's/^schemathesis==\([^ ]*\).*/\1/p' "${REQ}")"
HASH="$(sha256sum "${REQ}" | cut -c1-12)"
VENV="${TOOLS}/schemathesis-${VERSION}-${HASH}"

say() { printf '[schemathesis-setup] %s\n' "$*" >&2; }
die() { printf '[schemathesis-setup] FAIL: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || die "'python3' not found. Install it: apt-get install python3 python3-venv"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "python3 >= 3.9 is needed by schemathesis ${VERSION}"
python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 cannot create virtual environments. Install: apt-get install python3-venv"

if [[ -f "${VENV}/.complete" ]]; then
  say "schemathesis ${VERSION}: cached at ${VENV}"
else
  say "installing schemathesis ${VERSION} from PyPI into ${VENV}"
  mkdir -p "${TOOLS}"
  rm -rf "${VENV}"
  python3 -m venv "${VENV}"
  "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${REQ}" >&2
  touch "${VENV}/.complete"   # a half-made venv (interrupted install) is rebuilt next time
fi
[[ -x "${VENV}/bin/st" ]] || die "schemathesis entry point missing in ${VENV}"
echo "${VENV}/bin/python"
