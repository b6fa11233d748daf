// Tech-migration tracker figures on a real PostgreSQL (throwaway database), driving the plugin's own classes
// (MigrationService + MigrationStore from plugins/tech-migrations-backend) rather than a whole backend:
//  - full evaluation: 10,000 components across 200 teams (20 tribes × 10 squads) and 3 migrations; read definitions,
//    evaluate every entity, store statuses + teams + today's snapshot in one transaction. The entities come from
//    memory, so the catalog read the plugin does in production (getEntities over HTTP) is NOT included;
//  - leaderboard: the service call behind GET /migrations/:id/leaderboard (two GROUP BY queries + teams), without
//    HTTP and auth overhead; and the index (GET /migrations) for reference.
// Usage: yarn bench:migrations [--entities 10000] [--teams 200] [--runs 3]
// PostgreSQL from BENCH_PG_CONNECTION (default postgresql://postgres@127.0.0.1:5432), see scripts/ensure-postgres.sh.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
// TypeScript sources of the workspace packages, transformed on load as `backstage-cli package start` does.
require('@backstage/cli/config/nodeTransform.cjs');
const knexFactory = require('knex');
const {
  MigrationService,
  MigrationStore,
} = require('@internal/plugin-tech-migrations-backend');

const { values: opts } = parseArgs({
  options: {
    entities: { type: 'string', default: '10000' },
    teams: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
  },
});
const entityCount = Number(opts.entities);
const teamCount = Number(opts.teams);
const runs = Number(opts.runs);
const connection =
  process.env.BENCH_PG_CONNECTION ?? 'postgresql://postgres@127.0.0.1:5432';

// Deterministic pseudo-random numbers, so every run seeds the same catalog.
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = list => list[Math.floor(rand() * list.length)];

function seedCatalog() {
  const tribes = Math.max(1, Math.round(teamCount / 10));
  const groups = [];
  const squads = [];
  for (let t = 0; t < tribes; t++) {
    groups.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `tribe-${t}`, namespace: 'default' },
      spec: { type: 'tribe', children: [] },
    });
  }
  for (let s = 0; s < teamCount; s++) {
    const name = `squad-${s}`;
    squads.push(name);
    groups.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'squad', parent: `tribe-${s % tribes}`, children: [] },
    });
  }
  const entities = [];
  for (let i = 0; i < entityCount; i++) {
    const python = rand() < 0.3;
    const annotations = python
      ? { 'example.com/python-version': pick(['2.7', '3.6', '3.9', '3.12']) }
      : {
          'example.com/node-version': pick(['16', '18', '20', '22', '22.4.1']),
          'example.com/backend-system': pick(['legacy', 'new']),
        };
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `component-${i}`,
        namespace: 'default',
        tags: [python ? 'python' : 'typescript'],
        annotations,
      },
      spec: {
        type: pick(['service', 'service', 'website', 'library']),
        lifecycle: pick(['production', 'experimental']),
        owner: `group:default/${squads[i % squads.length]}`,
      },
    });
  }
  return { groups, entities };
}

const definitions = {
  'python-3.yaml': `title: Python 3
owner: tribe-0
startDate: '2026-01-01'
targetDate: '2027-12-31'
scope: { tags: [python] }
check: { fact: "metadata.annotations['example.com/python-version']", operator: '>=', value: 3 }
exemptions:
  - { entity: component:default/component-1, reason: bench, expires: '2099-01-01' }
`,
  'node-22.yaml': `title: Node 22
owner: tribe-0
startDate: '2026-01-01'
targetDate: '2027-12-31'
scope: { kind: [Component], type: [service, website, library] }
check:
  any:
    - { fact: "metadata.annotations['example.com/node-version']", operator: '>=', value: 22 }
    - { fact: facts.nodeVersion, operator: '>=', value: 22 }
`,
  'new-backend-system.yaml': `title: New backend system
owner: tribe-0
startDate: '2026-01-01'
targetDate: '2027-12-31'
scope: { type: [service], tags: [typescript] }
check: { fact: "metadata.annotations['example.com/backend-system']", operator: '==', value: new }
`,
};

const logger = {
  info() {},
  warn: m => console.warn(m),
  error: m => console.error(m),
  debug() {},
  child() {
    return logger;
  },
};

const fmt = ms => `${ms.toFixed(1)} ms`;
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dbName = `tm_bench_${process.pid}_${Date.now()}`;
  const admin = knexFactory({
    client: 'pg',
    connection: `${connection}/postgres`,
  });
  await admin.raw(`CREATE DATABASE ${dbName}`);
  const knex = knexFactory({
    client: 'pg',
    connection: `${connection}/${dbName}`,
    pool: { min: 0, max: 5 },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-bench-'));
  try {
    for (const [file, text] of Object.entries(definitions)) {
      fs.writeFileSync(path.join(dir, file), text);
    }
    const { groups, entities } = seedCatalog();
    const store = await MigrationStore.create({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    // Some entities have a CI-pushed fact, read during evaluation.
    await knex.batchInsert(
      'tm_facts',
      entities
        .filter((_, i) => i % 5 === 0)
        .map(e => ({
          entity_ref: `component:default/${e.metadata.name}`,
          name: 'nodeVersion',
          value: JSON.stringify('22.11.0'),
          updated_at: new Date().toISOString(),
        })),
      1000,
    );
    const service = new MigrationService({
      store,
      source: {
        listEntities: async kinds =>
          entities.filter(e => kinds.includes(e.kind.toLowerCase())),
        listGroups: async () => groups,
      },
      definitionsDir: dir,
      logger,
    });

    const evalTimes = [];
    let result;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      result = await service.evaluateAll();
      evalTimes.push(performance.now() - t);
    }
    if (result.errors.length) throw new Error(JSON.stringify(result.errors));
    const rows = (await knex('tm_entity_status').count({ n: '*' }))[0].n;

    await service.leaderboard('node-22'); // warm-up
    const boardTimes = [];
    let board;
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      board = await service.leaderboard('node-22');
      boardTimes.push(performance.now() - t);
    }
    const indexTimes = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await service.listSummaries();
      indexTimes.push(performance.now() - t);
    }
    const squadsOnBoard = board.tribes.reduce((n, t) => n + t.squads.length, 0);

    console.log(
      `full evaluation (PostgreSQL, ${entityCount} entities, ${teamCount} teams, 3 migrations, ${rows} status rows; catalog read not included): median ${fmt(
        median(evalTimes),
      )} over ${runs} runs (${evalTimes.map(fmt).join(', ')}; target < 10 s)`,
    );
    console.log(
      `leaderboard server time (PostgreSQL, node-22: ${
        board.tribes.length
      } tribes, ${squadsOnBoard} squads; service call without HTTP/auth): p50 ${fmt(
        median(boardTimes),
      )}, max ${fmt(Math.max(...boardTimes))} over 20 calls (target < 200 ms)`,
    );
    console.log(
      `index (GET /migrations service call, 3 migrations with health): p50 ${fmt(
        median(indexTimes),
      )} over 10 calls`,
    );
  } finally {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
