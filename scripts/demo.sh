#!/usr/bin/env bash
# Set up, ingest the demo corpus and open the chat UI on http://127.0.0.1:7860
# Extra arguments go to `pairing chat` (e.g. --port 8000 --host 0.0.0.0 --auth user:pass).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PAIRING_DATA_DIR="${PAIRING_DATA_DIR:-$PWD/.data/demo}"
.venv/bin/pairing ingest corpus/
exec .venv/bin/pairing chat "$@"
