// The client side of the rolling-restart test: a load balancer that routes like an ALB target group (a replica is in
// rotation while its readiness answers 200, polled every `pollMs`; requests already sent to it are never cut off),
// and a load generator whose every request is recorded (kind, replica, start, end, status or socket error).

const sleep = ms => new Promise(r => setTimeout(r, ms));

/** The error of a fetch that got no HTTP answer: undici's socket error code, the timeout, or the message. */
export function errorCode(e) {
  return (
    e?.cause?.code ?? (e?.name === 'TimeoutError' ? 'timeout' : e?.message)
  );
}

/**
 * Round-robin over `targets` ([{ name, base }]). With `respectReadiness` (the default) a replica leaves the rotation
 * as soon as one readiness poll answers anything but 200 (a 503 while it drains, a refused connection while it is
 * down) and comes back with the first 200, as an ALB health check with thresholds of 1 would. Without it every
 * target is always in rotation (a balancer without health checks). `events` records every change of rotation.
 */
export function createBalancer(
  targets,
  { pollMs = 200, respectReadiness = true } = {},
) {
  const inRotation = new Map(targets.map(t => [t.name, true]));
  const events = [];
  let next = 0;
  let polling = true;
  const poll = async target => {
    while (polling) {
      const status = await fetch(
        `${target.base}/.backstage/health/v1/readiness`,
        {
          signal: AbortSignal.timeout(Math.max(pollMs * 5, 1000)),
        },
      ).then(r => r.body.cancel().then(() => r.status), errorCode);
      const up = status === 200;
      if (up !== inRotation.get(target.name)) {
        events.push({ at: Date.now(), name: target.name, up, status });
      }
      inRotation.set(target.name, up);
      await sleep(pollMs);
    }
  };
  const pollers = targets.map(poll);
  return {
    events,
    inRotation: name => inRotation.get(name),
    /** The next target in rotation, or undefined when none is (the balancer itself would answer 503). */
    pick() {
      for (let i = 0; i < targets.length; i++) {
        const t = targets[next++ % targets.length];
        if (!respectReadiness || inRotation.get(t.name)) return t;
      }
      return undefined;
    },
    async stop() {
      polling = false;
      await Promise.all(pollers);
    },
  };
}

/**
 * `concurrency` workers, each sending one request at a time through `balancer` (alternating the `requests` kinds,
 * `pauseMs` between two), with `Authorization: Bearer <token>`. A request succeeds when it answers 200 and `check`
 * accepts its JSON body. `stop()` lets the requests in flight finish and resolves with every record.
 */
export function startLoad(
  balancer,
  { requests, token, concurrency = 6, pauseMs = 20, timeoutMs = 15_000 },
) {
  const records = [];
  let running = true;
  const worker = async w => {
    for (let n = w; running; n++) {
      const { kind, path, check } = requests[n % requests.length];
      const target = balancer.pick();
      const record = { kind, replica: target?.name, start: Date.now() };
      if (!target) {
        Object.assign(record, {
          end: Date.now(),
          status: 'no replica in rotation',
          ok: false,
        });
      } else {
        try {
          const res = await fetch(target.base + path, {
            headers: { Authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(timeoutMs),
          });
          const body = await res.text();
          let ok = res.status === 200;
          if (ok) {
            try {
              ok = check(JSON.parse(body));
            } catch {
              ok = false;
            }
          }
          Object.assign(record, {
            status:
              ok || res.status !== 200
                ? res.status
                : '200 with an unexpected body',
            ok,
            detail: ok ? undefined : body.slice(0, 200),
          });
        } catch (e) {
          Object.assign(record, { status: errorCode(e), ok: false });
        }
        record.end = Date.now();
      }
      records.push(record);
      await sleep(pauseMs);
    }
  };
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  return {
    records,
    async stop() {
      running = false;
      await Promise.all(workers);
      return records;
    },
  };
}

/** Whole seconds of [from, to) in which a request of some kind in `kinds` did not succeed once (by completion). */
export function secondsWithout(records, kinds, from, to) {
  const gaps = [];
  for (let s = from; s + 1000 <= to; s += 1000) {
    const missing = kinds.filter(
      kind =>
        !records.some(
          r => r.ok && r.kind === kind && r.end >= s && r.end < s + 1000,
        ),
    );
    if (missing.length)
      gaps.push({ second: Math.round((s - from) / 1000), missing });
  }
  return gaps;
}

const count = (items, key) => {
  const out = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
};
const percentile = (sorted, p) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
    : 0;

/**
 * Lines describing the run: totals, failures by status, and per phase ([{ name, start, end }]) the duration,
 * requests per replica and kind, failures, and latency p50/p99 (by the request's start time).
 */
export function summarize(records, phases) {
  const failed = records.filter(r => !r.ok);
  const fmt = o =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const lines = [
    `requests: ${records.length} (${fmt(
      count(records, r => r.kind),
    )}); by replica: ${fmt(count(records, r => r.replica ?? 'none'))}`,
    `failed: ${failed.length}; by status: ${fmt(
      count(failed, r => `${r.kind} ${r.status}`),
    )}`,
  ];
  for (const p of phases) {
    const inPhase = records.filter(r => r.start >= p.start && r.start < p.end);
    const ms = inPhase.map(r => r.end - r.start).sort((a, b) => a - b);
    lines.push(
      `  ${p.name.padEnd(34)} ${((p.end - p.start) / 1000)
        .toFixed(1)
        .padStart(5)} s  ${String(inPhase.length).padStart(5)} req (${fmt(
        count(inPhase, r => `${r.replica ?? 'none'}`),
      )})  failed ${inPhase.filter(r => !r.ok).length}  p50 ${percentile(
        ms,
        0.5,
      )} ms  p99 ${percentile(ms, 0.99)} ms`,
    );
  }
  return lines;
}
