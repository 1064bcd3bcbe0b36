#!/usr/bin/env bash
# Runs every test with node's test runner. The files are listed here, so that the list never depends on the runner's
# glob support.
set -euo pipefail
cd "$(dirname "$0")/.."
# Types first: tsx runs the code without checking them, so a type error would otherwise pass unnoticed.
node node_modules/typescript/bin/tsc --noEmit
# Then format and lint (biome.json): a misformatted file, a floating promise or an unused result fails the run.
node node_modules/@biomejs/biome/bin/biome ci --error-on-warnings .
mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
# TAP ends with the "# tests / # pass / # fail" summary that CI reads (Node 24 would otherwise default to spec).
exec node --import tsx --test --test-reporter=tap --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}"
