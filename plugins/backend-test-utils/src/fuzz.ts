import express from 'express';
import request from 'supertest';

/**
 * Hostile-input generator for the route fuzz test. Kept free of plugin knowledge: a test lists its routes with one
 * valid example each, and every path param, query value and body field is replaced in turn by each hostile value.
 * Shared by the route fuzz tests of our backend plugins (manage, tech-migrations, circuit-breaker).
 */

/**
 * One route of a router with a valid example request; the fuzzer mutates it one place at a time.
 *
 * @public
 */
export interface FuzzRoute {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** As declared in the router, e.g. `/teams/:groupRef/summary`. */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A valid JSON body (routes with a body only). */
  body?: unknown;
}

/** @public */
export interface FuzzCase {
  description: string;
  method: FuzzRoute['method'];
  url: string;
  /** A JSON value, or a raw string sent as application/json as is (invalid JSON, empty body). */
  body?: { json: unknown } | { raw: string };
}

const deep = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

/**
 * Strings that cannot be stored or looked up as they are (NUL, longer than a varchar(255)), or are odd elsewhere.
 *
 * @public
 */
export const hostileStrings: string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'component:default/a\u0000b',
  'x'.repeat(300),
  `component:default/${'x'.repeat(300)}`,
  `group:default/${'x'.repeat(300)}`,
  'x'.repeat(10_000),
  '../../../etc/passwd',
  '..',
  '%00',
  '%',
  'ü😀\u202e\ufeff\ud800',
  "' OR 1=1 --",
  '-1',
  '1e309',
  '99999999999999999999',
  'null',
  'group:default/',
  ':/',
];

/**
 * JSON values of every wrong type and size, for body fields.
 *
 * @public
 */
export const hostileValues: unknown[] = [
  ...hostileStrings,
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER * 1000,
  5e-324,
  [],
  ['a', 'b'],
  [null],
  {},
  { a: 'b' },
  // Deeper values go as raw bodies below (JSON.stringify itself overflows the stack on them).
  deep(200),
  Array.from({ length: 20_000 }, () => 1),
];

/**
 * Raw request bodies that are not what a JSON route expects.
 *
 * @public
 */
export const hostileRawBodies: string[] = [
  '',
  '{',
  'null',
  '"x"',
  '[]',
  '{"__proto__":{"polluted":true}}',
  '\u0000',
  '['.repeat(10_000) + ']'.repeat(10_000),
  `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
];

/**
 * `METHOD /path` of every route declared on an express router (its stack's route layers).
 *
 * @public
 */
export function declaredRoutes(router: express.Router): string[] {
  const routes: string[] = [];
  for (const layer of router.stack as any[]) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) {
      routes.push(`${method.toUpperCase()} ${layer.route.path}`);
    }
  }
  return routes.sort();
}

/** encodeURIComponent, except that a lone surrogate becomes its (invalid UTF-8) bytes instead of throwing. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .split('')
      .map(ch => {
        try {
          return encodeURIComponent(ch);
        } catch {
          return '%ED%A0%80';
        }
      })
      .join('');
  }
}

function url(
  route: FuzzRoute,
  params: Record<string, string>,
  query: string,
): string {
  const path = route.path.replace(/:(\w+)/g, (_, name) =>
    encode(params[name] ?? ''),
  );
  return query ? `${path}?${query}` : path;
}

const queryString = (query: Record<string, string>) =>
  Object.entries(query)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');

/** Paths of every node of a JSON value: the root, each object field, each array element. */
function nodePaths(value: unknown, prefix: (string | number)[] = []) {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => paths.push(...nodePaths(v, [...prefix, i])));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      paths.push(...nodePaths(v, [...prefix, k]));
    }
  }
  return paths;
}

function replaceAt(value: unknown, path: (string | number)[], by: unknown) {
  if (!path.length) return by;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as {}) };
  copy[path[0]] = replaceAt(copy[path[0]], path.slice(1), by);
  return copy;
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/**
 * Every mutation of a route's valid example, one hostile value in one place at a time.
 *
 * @public
 */
export function fuzzCases(route: FuzzRoute): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const params = route.params ?? {};
  const query = route.query ?? {};
  const base = (description: string, u: string): FuzzCase => ({
    description: `${route.method.toUpperCase()} ${route.path} ${description}`,
    method: route.method,
    url: u,
    body: route.body === undefined ? undefined : { json: route.body },
  });

  for (const name of Object.keys(params)) {
    // An empty segment (`/teams//summary`) addresses no route at all: express's plain 404, not the route's answer.
    for (const value of hostileStrings.filter(v => v !== '')) {
      cases.push(
        base(
          `param ${name}=${short(value)}`,
          url(route, { ...params, [name]: value }, queryString(query)),
        ),
      );
    }
  }
  // Each known query key, plus one the route does not expect.
  for (const key of [...Object.keys(query), 'unexpected']) {
    const rest = queryString(
      Object.fromEntries(Object.entries(query).filter(([k]) => k !== key)),
    );
    const withRest = (q: string) => (rest ? `${rest}&${q}` : q);
    const k = encodeURIComponent(key);
    for (const value of hostileStrings) {
      cases.push(
        base(
          `query ${key}=${short(value)}`,
          url(route, params, withRest(`${k}=${encode(value)}`)),
        ),
      );
    }
    // Arrays and objects where a string is expected (qs parses both).
    for (const q of [`${k}=a&${k}=b`, `${k}[]=a`, `${k}[a][b]=c`, k]) {
      cases.push(base(`query ${q}`, url(route, params, withRest(q))));
    }
  }
  if (route.body !== undefined) {
    const u = url(route, params, queryString(query));
    for (const path of nodePaths(route.body)) {
      for (const value of hostileValues) {
        cases.push({
          ...base(`body ${path.join('.') || '(root)'}=${short(value)}`, u),
          body: { json: replaceAt(route.body, path, value) },
        });
      }
    }
    for (const raw of hostileRawBodies) {
      cases.push({ ...base(`raw body ${short(raw)}`, u), body: { raw } });
    }
  }
  return cases;
}

/** @public */
export interface FuzzOutcome {
  description: string;
  status: number;
  message?: string;
}

/**
 * Sends one case; what came back, with the error message of the standard error body if any.
 *
 * @public
 */
export async function send(
  server: Parameters<typeof request>[0],
  prefix: string,
  auth: string,
  fuzzCase: FuzzCase,
): Promise<FuzzOutcome> {
  let req = request(server)
    [fuzzCase.method](`${prefix}${fuzzCase.url}`)
    .set('Authorization', auth);
  if (fuzzCase.body) {
    req = req
      .set('Content-Type', 'application/json')
      .send(
        'raw' in fuzzCase.body
          ? fuzzCase.body.raw
          : JSON.stringify(fuzzCase.body.json),
      );
  }
  const res = await req;
  return {
    description: fuzzCase.description,
    status: res.status,
    message: res.body?.error?.message,
  };
}

/**
 * The outcomes a fuzz pass must not have: any 5xx, or a 4xx without an error message.
 *
 * @public
 */
export function violations(outcomes: FuzzOutcome[]): string[] {
  return outcomes
    .filter(
      o =>
        o.status >= 500 ||
        (o.status >= 400 && !(typeof o.message === 'string' && o.message)),
    )
    .map(
      o =>
        `${o.status} ${o.description}: ${(o.message ?? '(no message)').slice(
          0,
          160,
        )}`,
    );
}

/**
 * Sends every fuzz case of every route in turn (one at a time, so a failure names its request); the outcomes.
 *
 * @public
 */
export async function fuzzRoutes(
  server: Parameters<typeof request>[0],
  prefix: string,
  auth: string,
  routes: FuzzRoute[],
): Promise<FuzzOutcome[]> {
  const outcomes: FuzzOutcome[] = [];
  for (const route of routes) {
    for (const fuzzCase of fuzzCases(route)) {
      outcomes.push(await send(server, prefix, auth, fuzzCase));
    }
  }
  return outcomes;
}
