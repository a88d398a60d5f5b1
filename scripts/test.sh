#!/usr/bin/env bash
# Set up, lint, type-check, run the tests and the eval regression gate.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-browser
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
# quality gate: shipped eval suites must not drop below the committed baseline
.venv/bin/pairing eval evals/suites/ --baseline-file evals/baseline.json \
  --json artifacts/eval.json --html artifacts/eval.html
