#!/usr/bin/env bash
# Runs the portal for development: app on http://localhost:3000, backend on http://localhost:7007,
# embedded SQLite under data/ (git-ignored) so the catalog and task history survive restarts.
set -euo pipefail
"$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
mkdir -p "${BACKSTAGE_DATA_DIR:-$ROOT/data}/sqlite"
exec yarn start "$@"
