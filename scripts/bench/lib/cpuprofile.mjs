// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time by where the code comes from: our workspace packages
// by name, node_modules packages by name, node internals, and V8's own (GC, idle, program). Used by bench:stock
// --profile to say where the request path's cost goes.
import { readFileSync } from 'node:fs';

/** The package a script URL belongs to: `@internal/x` for our workspaces in the bundle, `pkg` for node_modules. */
export function packageOf(url, functionName) {
  if (!url) {
    if (/^\((garbage collector|idle|program|root)\)$/.test(functionName))
      return functionName;
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node:internal';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const ws = url.match(/\/(plugins|packages)\/([^/]+)\//);
  if (ws) return `${ws[1]}/${ws[2]}`;
  return url;
}

/**
 * Self time per package and per function (top `limit`), in milliseconds and as a share of the non-idle time.
 * `filter(pkg)` keeps only the packages of interest in `functions`.
 */
export function summarize(
  file,
  {
    limit = 15,
    filter = () => true,
    lastFromUs,
    lastToUs,
    firstUs,
    callersOf = [],
  } = {},
) {
  // A path, or a profile already read (several windows of one profile).
  const profile =
    typeof file === 'string' ? JSON.parse(readFileSync(file, 'utf8')) : file;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes)
    for (const c of n.children ?? []) parentOf.set(c, n.id);
  const self = new Map();
  // Sample i took timeDeltas[i + 1] (the delta to the next sample); the last one is unknown, counted as the mean.
  const deltas = profile.timeDeltas;
  const mean =
    (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  // Only the samples in a window counted back from the profile's end (`lastFromUs` .. `lastToUs` before it), when
  // given: the load phase, without start-up and shutdown.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += deltas[i];
    const beforeEnd = profile.endTime - at;
    // Or the first `firstUs` of the profile: start-up.
    if (firstUs !== undefined && at - profile.startTime > firstUs) return;
    if (
      lastFromUs !== undefined &&
      (beforeEnd > lastFromUs || beforeEnd < lastToUs)
    )
      return;
    const dt = i + 1 < deltas.length ? deltas[i + 1] : mean;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const packages = new Map();
  const functions = new Map();
  // For the packages in `callersOf`: their self time by the first frame up the stack that is another package's
  // (which code made ajv compile, for instance).
  const callers = new Map();
  const callerOf = (id, pkg) => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
      const { callFrame } = byId.get(p);
      const other = packageOf(callFrame.url, callFrame.functionName);
      if (other !== pkg && other !== 'node:internal')
        return `${other} ${callFrame.functionName || '(anonymous)'}`;
    }
    return '(root)';
  };
  let busy = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const pkg = packageOf(callFrame.url, callFrame.functionName);
    if (pkg === '(idle)') continue;
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    busy += us;
    if (callersOf.includes(pkg)) {
      const key = `${pkg} <- ${callerOf(id, pkg)}`;
      callers.set(key, (callers.get(key) ?? 0) + us / 1000);
    }
    if (!filter(pkg)) continue;
    const key = `${pkg} ${callFrame.functionName || '(anonymous)'}:${
      callFrame.lineNumber + 1
    }`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const rows = map =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({
        name,
        ms: us / 1000,
        share: us / Math.max(1, busy),
      }));
  return {
    busyMs: busy / 1000,
    packages: rows(packages),
    allPackages: new Map([...packages].map(([k, us]) => [k, us / 1000])),
    functions: rows(functions),
    callers,
  };
}
