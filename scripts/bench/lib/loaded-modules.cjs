// Bench only (node --require, from scripts/bench/stock.mjs --modules; never loaded by the production image): on
// SIGUSR2 writes to BENCH_MODULES_FILE what the process holds after a full GC: process.memoryUsage(), V8's heap spaces, and the
// CommonJS modules it has loaded, counted and sized (source bytes) by package, to attribute RSS to what is loaded.
const fs = require('node:fs');
const v8 = require('node:v8');

/** `@scope/name` or `name` under the last node_modules, `plugins/x` / `packages/x` for our bundle's workspaces. */
function packageOf(file) {
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const ws = file.match(/\/(plugins|packages)\/([^/]+)\//);
  return ws ? `${ws[1]}/${ws[2]}` : '(other)';
}

// A full GC before measuring, so that garbage not yet collected does not count (the figures are then of live data).
v8.setFlagsFromString('--expose-gc');
const gc = require('node:vm').runInNewContext('gc');

process.on('SIGUSR2', () => {
  gc();
  const packages = {};
  for (const file of Object.keys(require.cache)) {
    let bytes = 0;
    try {
      bytes = fs.statSync(file).size;
    } catch {
      // built in or gone
    }
    const p = packageOf(file);
    packages[p] ??= { files: 0, bytes: 0 };
    packages[p].files += 1;
    packages[p].bytes += bytes;
  }
  fs.writeFileSync(
    process.env.BENCH_MODULES_FILE,
    JSON.stringify({
      memory: process.memoryUsage(),
      spaces: Object.fromEntries(
        v8.getHeapSpaceStatistics().map(s => [s.space_name, s.space_used_size]),
      ),
      packages,
    }),
  );
});
