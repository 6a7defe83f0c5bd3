#!/usr/bin/env bash
# The one script that turns proto/kyc/** into TypeScript. Works offline: the buf binary ships
# inside the @bufbuild/buf npm package and ts-proto is a local plugin.
# With --check it regenerates into a scratch folder and fails if src/gen differs (stale or hand-edited).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
protos="$here/../../proto"
export PATH="$here/node_modules/.bin:$here/../../node_modules/.bin:$PATH"

buf lint "$protos"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# buf.gen.yaml writes to "gen", relative to --output
buf generate "$protos" --template "$here/buf.gen.yaml" --output "$scratch"
if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$scratch/gen" "$here/src/gen"; then
    echo "src/gen is out of date with proto/: run 'npm run generate' and commit the result" >&2
    exit 1
  fi
  echo "generated code is up to date with proto/"
else
  rm -rf "$here/src/gen"
  mv "$scratch/gen" "$here/src/gen"
fi
