# syntax=docker/dockerfile:1.7
# The production image (AWS ECS): one container, the backend serving the built frontend.
# Build from the repository root: `docker build -t developer-portal:<env>-<git sha> .` (or `buildah bud`).
#
# Multi-stage rather than upstream's host build: the image is then a function of the git commit alone (CI needs no
# Node 22, no yarn install and no native toolchain on the host, and a host's node_modules built for another Node or
# libc can never leak in), and the compilers needed for the native modules (better-sqlite3, isolated-vm, compiled
# from source when no prebuilt binary can be downloaded) stay in the build stages. The price is a slower cold build
# (~3 min of yarn install); the yarn cache mounts make rebuilds incremental.
#
# What the final stage does is checked without a Docker engine by system-tests/image.test.mjs (test phase `image`):
# unpack skeleton.tar.gz + bundle.tar.gz, `yarn workspaces focus --all --production`, start as a non-root user with
# the production config on PostgreSQL.

ARG NODE_IMAGE=node:22-bookworm-slim

# Stage 1: only the package.json files, so the dependency install below is cached until a manifest changes.
FROM ${NODE_IMAGE} AS packages
WORKDIR /app
COPY package.json yarn.lock backstage.json .yarnrc.yml ./
COPY .yarn ./.yarn
COPY packages packages
COPY plugins plugins
COPY e2e/package.json e2e/package.json
# deploy/ (the AWS CDK app) is a workspace too: its manifest keeps yarn.lock whole; its code never enters the image.
COPY deploy/package.json deploy/package.json
COPY system-tests/package.json system-tests/package.json
RUN find packages plugins -mindepth 2 -maxdepth 2 \! -name package.json -exec rm -rf {} \+

# Stage 2: install everything, type-check and build the backend bundle (which includes the built frontend).
# The yarn cache mount covers all of ~/.yarn/berry (cache and index), owned by node: mounting only .../cache left its
# parent folders to root and yarn could not create ~/.yarn/berry/index (found by a real buildah build).
FROM ${NODE_IMAGE} AS build
# python3, g++ and make build the native modules from source.
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && \
    apt-get install -y --no-install-recommends python3 g++ make && \
    rm -rf /var/lib/apt/lists/*
# /app belongs to `node` whatever the builder does with WORKDIR (BuildKit and buildah differ).
WORKDIR /app
RUN chown node:node /app
USER node
COPY --from=packages --chown=node:node /app .
RUN --mount=type=cache,id=yarn-berry,target=/home/node/.yarn/berry,sharing=locked,uid=1000,gid=1000 \
    yarn install --immutable
COPY --chown=node:node . .
RUN yarn tsc && yarn build:backend
RUN mkdir packages/backend/dist/skeleton packages/backend/dist/bundle && \
    tar xzf packages/backend/dist/skeleton.tar.gz -C packages/backend/dist/skeleton && \
    tar xzf packages/backend/dist/bundle.tar.gz -C packages/backend/dist/bundle

# Stage 3: production dependencies only, installed from the skeleton (the package.json of each workspace the backend
# needs) against the repository's yarn.lock, with the pinned yarn release (.yarn/releases + yarnPath).
FROM ${NODE_IMAGE} AS production-deps
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && \
    apt-get install -y --no-install-recommends python3 g++ make && \
    rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN chown node:node /app
USER node
ENV NODE_ENV=production
COPY --chown=node:node package.json yarn.lock backstage.json .yarnrc.yml ./
COPY --chown=node:node .yarn ./.yarn
COPY --from=build --chown=node:node /app/packages/backend/dist/skeleton ./
RUN --mount=type=cache,id=yarn-berry,target=/home/node/.yarn/berry,sharing=locked,uid=1000,gid=1000 \
    yarn workspaces focus --all --production

# Stage 4: the image. No compilers, no dev dependencies, no sources; runs as the unprivileged `node` user (uid 1000).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps --chown=node:node /app .
COPY --from=build --chown=node:node /app/packages/backend/dist/bundle ./
# The sample catalog and the golden-path templates, read through the file locations of app-config.production.yaml.
COPY --chown=node:node catalog ./catalog
COPY --chown=node:node templates ./templates
COPY --chown=node:node app-config.yaml app-config.production.yaml app-config.staging.yaml app-config.postgres-tls.yaml ./
# TLS to PostgreSQL (app-config.postgres-tls.yaml): Amazon RDS's CA bundle for every region, fetched when the image is
# built, so a CA rotation needs a rebuild only; the task definition's POSTGRES_CA_FILE names it. Owned by root and
# read-only: the app's user cannot change which CAs it trusts.
ADD --chmod=444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
# OpenTelemetry (metrics for Prometheus on :9464), loaded by the CMD's --require before the backend.
COPY packages/backend/instrumentation.js ./packages/backend/instrumentation.js
USER node

# 7007: the backend; 9464: Prometheus metrics (packages/backend/instrumentation.js), scraped inside the task only.
EXPOSE 7007 9464
# Container health (ECS restarts an unhealthy task) is the liveness probe. The load balancer's target group checks
# /.backstage/health/v1/readiness instead, which answers 503 until every plugin has started and again as soon as
# SIGTERM arrives, so traffic moves away before the server drains (see README, Operations).
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7007/.backstage/health/v1/liveness').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node is PID 1 and the backend handles SIGTERM itself (graceful shutdown: @internal/backend-graceful-shutdown);
# staging adds `--config app-config.staging.yaml` through the task definition's command. OpenTelemetry starts first
# (--require, as upstream documents), so the plugins' metrics reach its Prometheus exporter; the TLS layer comes after
# the production config.
CMD ["node", "--require", "./packages/backend/instrumentation.js", "packages/backend", "--config", "app-config.yaml", "--config", "app-config.production.yaml", "--config", "app-config.postgres-tls.yaml"]
