#!/usr/bin/env bash
# The checks `npm test` runs before the tests, on the built workspace (setup.sh builds it):
# types, lint and layout, side by side (each is one single-threaded process, and CI has 2 cores).
# Types are checked as one program (tsconfig.typecheck.json: every package's sources and tests,
# bench and tools/scripts, with the same options as each package's tsconfig.json; the viewer's
# web app apart, with the DOM's types and JSX: tools/viewer/src/app/tsconfig.json), and lint as
# one ESLint run over the repository: per package, each file of a package's upstream sources was
# checked again in every package above it (the `source` condition resolves imports to them), and
# each package paid ESLint's and TypeScript's start-up. A clean clone has no Nx cache to skip them.
set -uo pipefail
cd "$(dirname "$0")/../.."

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

declare -A checks=(
  [types]='npx tsc -p tsconfig.typecheck.json'
  [app-types]='npx tsc -p tools/viewer/src/app/tsconfig.json'
  [lint]='npx eslint .'
  [format]='npx prettier --check .'
)
declare -A pids=()
for name in "${!checks[@]}"; do
  bash -c "${checks[$name]}" >"$logs/$name" 2>&1 &
  pids[$name]=$!
done

failed=0
for name in types app-types lint format; do
  if wait "${pids[$name]}"; then
    printf '[checks] %s: ok\n' "$name" >&2
  else
    printf '[checks] %s failed (%s):\n' "$name" "${checks[$name]}" >&2
    cat "$logs/$name" >&2
    failed=1
  fi
done
exit $failed
