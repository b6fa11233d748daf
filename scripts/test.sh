#!/usr/bin/env bash
# The whole test suite: type check, lint, unit tests, backend on PostgreSQL (production config), Playwright e2e.
# Idempotent; prints the duration of every phase. Pass phase names to run a subset, e.g. `scripts/test.sh unit e2e`.
# `a+b+c` runs phases a, b and c at the same time (each on its own ports, databases, data folders and Redis): system
# tests that mostly wait on schedules and timeouts overlap instead of queueing. Each one's output is printed whole
# when it ends, under its own `=== phase:` header, and a failure names its phase.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bootstrap_start=$SECONDS
BOOTSTRAP_BROWSER=1 BOOTSTRAP_REDIS=1 "$here/bootstrap.sh"
source "$here/env.sh"
cd "$ROOT"

# Phases joined with `+` run together. Measured on this 2-core machine (2026-11-26, each group passing alone and in a
# clean-clone run): recovery's two databases overlap their kill/stale-timeout waits (137 s for both); sigterm, pg-tls
# and metrics mostly wait on a single backend each (68 s instead of 126); smoke and techdocs-s3 likewise (35 s instead
# of 61); image's production install overlaps techdocs-dev's mkdocs builds, which run on SQLite (85 s instead of 151).
# Kept alone: rolling and breaker (they load the backend and assert on every response), restart (its bounds are
# seconds after readiness), replicas and live (two backends each on PostgreSQL, whose 100 connections are the limit:
# replicas joined to techdocs-dev+image reached them, "too many clients"; live with smoke+techdocs-s3 peaked at 67 but
# saved only 18 s).
phases=("${@:-tsc lint api deploy unit techdocs-core build prod-e2e smoke+techdocs-s3 techdocs-dev+image recovery-pg+recovery-sqlite sigterm+pg-tls+metrics replicas rolling restart live breaker e2e}")
phases=(${phases[*]})
declare -a timings=("$(printf '%-6s %4ss' setup $((SECONDS - bootstrap_start)))")
# In a concurrent group (group_dir set) a phase starts in the background with its output in group_dir/<name>.log.
group_dir=
declare -A group_pid=()
run_phase() {
  local name=$1; shift
  local start=$SECONDS
  if [[ -n $group_dir ]]; then
    ( if "$@"; then rc=0; else rc=$?; fi; echo "$rc $((SECONDS - start))" >"$group_dir/$name.result"; exit "$rc" ) \
      >"$group_dir/$name.log" 2>&1 </dev/null &
    group_pid[$!]=$name
    return
  fi
  echo; echo "=== phase: $name"
  "$@"
  timings+=("$(printf '%-6s %4ss' "$name" $((SECONDS - start)))")
}
# Runs the phases of `a+b+c` together; prints each one's output when it ends; fails after all have ended if any did.
run_group() {
  local start=$SECONDS failed=() pid name rc secs members member
  group_dir=$(mktemp -d "${TMPDIR:-/tmp}/test-phases-XXXXXX")
  echo; echo "=== concurrent phases: ${1//+/ }"
  IFS=+ read -ra members <<<"$1"
  for member in "${members[@]}"; do run_one "$member"; done
  while ((${#group_pid[@]})); do
    wait -n -p pid "${!group_pid[@]}" || true
    name=${group_pid[$pid]}; unset "group_pid[$pid]"
    read -r rc secs <"$group_dir/$name.result" 2>/dev/null || { rc=1; secs=$((SECONDS - start)); }
    echo; echo "=== phase: $name (concurrent; ended after ${secs}s, exit $rc)"
    cat "$group_dir/$name.log"
    timings+=("$(printf '%-6s %4ss  (concurrent)' "$name" "$secs")")
    ((rc == 0)) || failed+=("$name")
  done
  rm -rf "$group_dir"; group_dir=
  timings+=("$(printf '%-6s %4ss  wall time of %s' group $((SECONDS - start)) "$1")")
  if ((${#failed[@]})); then echo "=== failed phase(s): ${failed[*]}" >&2; return 1; fi
}
# Interrupted during a group: stop its phases (each system test kills its backends and drops its databases on SIGTERM)
# and show what each had printed so far.
stop_group() {
  local pid
  for pid in "${!group_pid[@]}"; do pkill -TERM -P "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${!group_pid[@]}"; do
    wait "$pid" 2>/dev/null || true
    echo; echo "=== phase: ${group_pid[$pid]} (interrupted)"; cat "$group_dir/${group_pid[$pid]}.log" 2>/dev/null || true
  done
}
summary() {
  stop_group
  echo; echo "=== phase timings"; printf '%s\n' "${timings[@]}"
}
trap summary EXIT

"$here/ensure-postgres.sh"

run_one() {
  local phase=$1
  case "$phase" in
    tsc) run_phase tsc yarn tsc ;;
    # ESLint over every workspace, then the Dockerfile (dockerfile-utils from .tools/ plus the project's image rules).
    lint) run_phase lint bash -c 'yarn lint && node scripts/ops/lint-dockerfile.mjs' ;;
    # API reports (@backstage/repo-tools, as upstream): every plugin package's exports against its checked-in
    # report.api.md, @public release tags required; fails when an export changes and `yarn build:api-reports` was not
    # run and its report committed. Incremental tsc first (cheap after the tsc phase), then API Extractor: ~35 s.
    api) run_phase api yarn build:api-reports --ci ;;
    # The AWS CDK app (deploy/), offline: `cdk synth` of the registry, staging and production stacks with the cdk-nag
    # AwsSolutions pack, the stack assertion tests, the GitHub workflows against their schema (@action-validator/core).
    deploy) run_phase deploy yarn workspace deploy verify ;;
    # Plugin stores are tested on SQLite and on the real local PostgreSQL (backend-test-utils' TestDatabases).
    unit) run_phase unit env CI=true \
      BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:5432 yarn test ;;
    build) run_phase build yarn build:backend ;;
    # The project-local techdocs-core MkDocs plugin (tools/mkdocs-techdocs-core) on real MkDocs builds (~5 s).
    techdocs-core) run_phase techdocs-core .tools/bin/techdocs-python -m unittest discover -s tools/mkdocs-techdocs-core -v ;;
    # System tests on node's test runner (system-tests/, one file per phase, so a failure names its phase).
    smoke) run_phase smoke node --test --test-reporter=spec system-tests/smoke.test.mjs ;;
    # TechDocs in development: the built backend on the dev config builds the sample docs with the project-local mkdocs
    # on first view, streams a broken mkdocs.yml's error while the others build, search finds pages (needs `build`).
    techdocs-dev) run_phase techdocs-dev node --test --test-reporter=spec system-tests/techdocs-dev.test.mjs ;;
    # TechDocs in production: a site published to an S3 stand-in (s3rver) with the AWS S3 publisher is served by the
    # built backend on the production config (builder external, never builds), found by search on PostgreSQL.
    techdocs-s3) run_phase techdocs-s3 node --test --test-reporter=spec system-tests/techdocs-s3.test.mjs ;;
    recovery) run_phase recovery env RECOVERY_DATABASES='pg sqlite' \
      node --test --test-reporter=spec system-tests/recovery.test.mjs ;;
    # The same test, one database each: two processes (own bundle copy, ports, data folder, database) for a group.
    recovery-pg|recovery-sqlite) run_phase "$phase" env RECOVERY_DATABASES="${phase#recovery-}" \
      node --test --test-reporter=spec system-tests/recovery.test.mjs ;;
    # SIGTERM while two scaffolder tasks run (one about to call the catalog over HTTP while a slow request holds the
    # drain): both are left 'processing', not failed; after the restart task recovery completes them, side effects
    # once (system-tests/sigterm-task.test.mjs). Needs `build`; about 100 s.
    sigterm) run_phase sigterm node --test --test-reporter=spec system-tests/sigterm-task.test.mjs ;;
    # The container without a Docker engine: production-only install, non-root start on PostgreSQL, the
    # unauthenticated sweep of every installed plugin, SIGTERM drain (system-tests/image.test.mjs).
    image) run_phase image node --test --test-reporter=spec system-tests/image.test.mjs ;;
    # TLS to PostgreSQL verified: the backend with app-config.postgres-tls.yaml against a TLS-only PostgreSQL of the
    # test's own (initdb + openssl CA): connects when the CA signed the server certificate, refuses a self-signed one.
    pg-tls) run_phase pg-tls node --test --test-reporter=spec system-tests/pg-tls.test.mjs ;;
    # Metrics: the backend with the Dockerfile CMD's OpenTelemetry --require; its Prometheus endpoint serves the
    # circuit breakers' series per plugin and the catalog's and scaffolder's metrics. Needs `build`.
    metrics) run_phase metrics node --test --test-reporter=spec system-tests/metrics.test.mjs ;;
    # Two replicas on one PostgreSQL: shared catalog processing, tasks run once, kill -9 recovery.
    replicas) run_phase replicas node --test --test-reporter=spec system-tests/replicas.test.mjs ;;
    # Rolling restart under load: two production replicas on one PostgreSQL, catalog reads and searches through a
    # readiness-aware round-robin balancer (an ALB's health check), A then B SIGTERMed and restarted: no request
    # fails, every second has a successful search and catalog read, each drain ends in ~5 s (~75 s).
    rolling) run_phase rolling node --test --test-reporter=spec system-tests/rolling-restart.test.mjs ;;
    # The portal stopped with SIGTERM and started again on the same state, in development (SQLite, search in memory) and
    # production (PostgreSQL): search finds a new entity within a stated bound of readiness (200s meanwhile), the
    # catalog, manage and tech-migration numbers are unchanged, the template run is kept with its log (~75 s idle).
    restart) run_phase restart node --test --test-reporter=spec system-tests/restart.test.mjs ;;
    # Two replicas as one portal (production config, PostgreSQL, Redis): a notification sent through B shows live in a
    # browser on A (events backend), a catalog change through B is served by A, a cache entry of B is read by A,
    # B kill -9ed after sending. Prints the cross-replica notification delay. Needs `build`.
    live) run_phase live node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --test --test-reporter=spec system-tests/replicas-live.test.mjs ;;
    # One caller provoking 500s (and sending NUL bytes) while five others read the catalog: no 503 for the five;
    # the caller alone is throttled (429). Development config on PostgreSQL (system-tests/breaker.test.mjs).
    breaker) run_phase breaker node --test --test-reporter=spec system-tests/breaker.test.mjs ;;
    e2e)
      # e2e/playwright.config.ts makes (and removes) a throwaway data folder when none is given: drop a developer's
      # BACKSTAGE_DATA_DIR so the run neither reads nor changes their data. CI: no .only, nothing retried.
      run_phase e2e env -u BACKSTAGE_DATA_DIR CI=true yarn test:e2e ;;
    # Production config in chromium: the built backend serving the built app, GitHub sign-in and org from the GitHub
    # stand-in, a throwaway PostgreSQL database, free ports (e2e/playwright.production.config.ts). Needs `build`.
    # The stand-in's own tests first (the real GitHub clients against it), then the browser suite that relies on it.
    prod-e2e) run_phase prod-e2e bash -c "node --test 'e2e/fixtures/github-standin/*.test.mjs' &&
      CI=true yarn workspace e2e playwright test --config playwright.production.config.ts" ;;
    *) echo "unknown phase: $phase" >&2; exit 2 ;;
  esac
}

for phase in "${phases[@]}"; do
  if [[ $phase == *+* ]]; then run_group "$phase"; else run_one "$phase"; fi
done
