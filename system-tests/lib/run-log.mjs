// The run log of scheduled tasks, read from the backends' own output (development log format:
// `<ISO time> <plugin> <level> <message> <fields>`), and the checks that runs on several replicas behave as one
// cluster-wide schedule. Backstage's scheduler keeps only the current run in backstage_backend_tasks__tasks (ticket,
// started_at), no history, and logs nothing per run, so the runs come from what the tasks themselves log:
//  - search's catalog collation (task search_index_software_catalog): "Collating documents for software-catalog via
//    ..." when it starts, "... succeeded" or "... failed" when it ends;
//  - tech-migrations' evaluation (task tech-migrations:evaluate): "Evaluated N migrations over M entities in D ms"
//    when it ends, so it started D ms before.

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (\S+) (\w+) (.*)$/;

/** The log lines that carry a timestamp: { at (ms), plugin, message (with the trailing fields) }. */
export function logEntries(log) {
  return log.flatMap(raw => {
    const m = raw.replace(ANSI, '').match(LINE);
    return m ? [{ at: Date.parse(m[1]), plugin: m[2], message: m[4] }] : [];
  });
}

/** Completed runs of the catalog collation, in order: { start, end } (ms). A run cut off by a kill is left out. */
export function collationRuns(entries) {
  const runs = [];
  let start;
  for (const { at, plugin, message } of entries) {
    if (plugin !== 'search') continue;
    if (message.startsWith('Collating documents for software-catalog via'))
      start = at;
    else if (
      start !== undefined &&
      /^Collating documents for software-catalog (succeeded|failed)/.test(
        message,
      )
    ) {
      runs.push({ start, end: at });
      start = undefined;
    }
  }
  return runs;
}

/** Completed runs of the tech-migrations evaluation: { start, end } (ms). */
export function evaluationRuns(entries) {
  return entries.flatMap(({ at, plugin, message }) => {
    const m =
      plugin === 'tech-migrations' &&
      message.match(/^Evaluated \d+ migrations over \d+ entities in (\d+) ms/);
    return m ? [{ start: at - Number(m[1]), end: at }] : [];
  });
}

/**
 * Runs of one task on all replicas ({ A: runs, B: runs }), those that started at or after `since`, merged in start
 * order with their replica; and what breaks a cluster-wide schedule of period `frequencyMs`:
 *  - overlaps: a run that started before the previous one ended (two replicas running the task at once);
 *  - allowed: the most runs one schedule admits between the first run's end and the last run's start. After a run
 *    ends, the scheduler sets the next start to max(previous planned start + frequency, release time), and no run
 *    is claimed before its planned start (the poller reports a task ready only then; the claim itself only checks that
 *    no run holds the ticket, so a whole run slipping in between another replica's poll and claim would show here as
 *    one run too many: a real double run); so the n-th run starts at least (n - 2) periods after the first ended:
 *    n <= (lastStart - firstEnd) / frequency + 2. Replicas each running the task on their own run it about twice as
 *    often. (Holds once every replica has registered the task: registering may move the planned start earlier.)
 */
export function scheduleReport(runsByReplica, { frequencyMs, since }) {
  const runs = Object.entries(runsByReplica)
    .flatMap(([replica, list]) => list.map(r => ({ ...r, replica })))
    .filter(r => r.start >= since)
    .sort((a, b) => a.start - b.start);
  const overlaps = [];
  for (let i = 1; i < runs.length; i++) {
    if (runs[i].start < runs[i - 1].end) overlaps.push([runs[i - 1], runs[i]]);
  }
  const allowed = runs.length
    ? Math.floor((runs.at(-1).start - runs[0].end) / frequencyMs) + 2
    : 0;
  const perReplica = Object.fromEntries(
    Object.keys(runsByReplica).map(k => [
      k,
      runs.filter(r => r.replica === k).length,
    ]),
  );
  return { runs, overlaps, allowed, perReplica };
}
