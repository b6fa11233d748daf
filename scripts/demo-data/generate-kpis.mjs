// Writes catalog/kpis/demo-kpis.json: 12 months of KPI samples for the sample org's components and resources,
// the file the manage plugin loads in dev (manage.kpiSources). Deterministic (seeded), so re-running it gives the
// same file and the e2e test can compute its expected numbers from it.
//   node scripts/demo-data/generate-kpis.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const periods = Array.from({ length: 12 }, (_, i) => {
  const index = 2025 * 12 + 11 + i; // 2025-12 .. 2026-11
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
});

// mulberry32: a tiny seeded PRNG.
let seed = 20261123;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo, hi) => lo + random() * (hi - lo);

/** Kinds and names from the catalog files, read as plain text to keep this script dependency-free. */
function entities(file, kind) {
  const text = readFileSync(path.join(root, 'catalog', file), 'utf8');
  return text
    .split(/^---$/m)
    .filter(doc => new RegExp(`^kind: ${kind}$`, 'm').test(doc))
    .map(doc => ({
      ref: `${kind.toLowerCase()}:default/${doc.match(/^  name: (\S+)$/m)[1]}`,
      type: doc.match(/^  type: (\S+)$/m)?.[1],
    }));
}

const components = [
  'components/checkout.yaml',
  'components/payments-core.yaml',
  'components/storefront.yaml',
  'components/developer-portal.yaml',
].flatMap(f => entities(f, 'Component'));
const resources = entities('resources.yaml', 'Resource');

const samples = [];
const push = (entityRef, kpi, period, value) =>
  samples.push({ entityRef, kpi, period, value });

for (const { ref, type } of [...components, ...resources]) {
  // Cost: a base per type, drifting a few percent a month.
  let cost = { service: 2400, website: 900, library: 60, database: 1800 }[type] ?? 500;
  cost *= between(0.6, 1.6);
  const drift = between(-0.03, 0.06);
  // Libraries are not deployed: no incidents. Security issues everywhere code is.
  const runs = type === 'service' || type === 'website';
  const hasCode = ref.startsWith('component:');
  const security = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const period of periods) {
    cost *= 1 + drift + between(-0.04, 0.04);
    push(ref, 'cloud-cost', period, Math.round(cost * 100) / 100);
    if (runs) {
      const incidents = Math.floor(between(0, type === 'service' ? 6 : 3));
      push(ref, 'incidents', period, incidents);
      push(
        ref,
        'incident-repair-minutes',
        period,
        incidents * Math.round(between(20, 180)),
      );
    }
    if (hasCode) {
      // Issues found each month, some fixed: a random walk that never goes negative.
      for (const [severity, rate] of Object.entries({ critical: 0.3, high: 1, medium: 2, low: 3 })) {
        security[severity] = Math.max(
          0,
          security[severity] + Math.round(between(-rate, rate * 1.2)),
        );
        push(ref, `security-issues-${severity}`, period, security[severity]);
      }
    }
  }
}

const out = path.join(root, 'catalog/kpis/demo-kpis.json');
writeFileSync(
  out,
  `${JSON.stringify({ samples }, null, 0).replace(/\},\{/g, '},\n{')}\n`,
);
console.log(`wrote ${samples.length} samples for ${periods[0]}..${periods.at(-1)} to ${path.relative(root, out)}`);
