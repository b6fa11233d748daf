/**
 * Fact paths and comparisons used by a migration's definition of done. Pure functions, shared by the backend
 * (evaluation) and anything that wants to explain a check (the frontend shows `describeCheck`).
 */

/**
 * Where a fact comes from: the catalog entity (`metadata.…`, `spec.…`) or a fact pushed by CI (`facts.…`).
 *
 * @public
 */
export type FactPath = {
  source: 'metadata' | 'spec' | 'facts';
  /** Segments below the root, e.g. `['annotations', 'example.com/python-version']`. */
  segments: string[];
};

const SEGMENT =
  /^(?:\.([A-Za-z_$][\w$-]*)|\[\s*'([^']+)'\s*\]|\[\s*"([^"]+)"\s*\])/;

/**
 * Parses `metadata.annotations['example.com/python-version']`, `spec.lifecycle`, `facts.nodeVersion` or
 * `facts['ci/coverage']`. Returns an error message instead of throwing.
 *
 * @public
 */
export function parseFactPath(path: string): FactPath | { error: string } {
  const root = /^(metadata|spec|facts)/.exec(path);
  if (!root) {
    return {
      error: `fact path '${path}' must start with metadata., spec. or facts.`,
    };
  }
  const segments: string[] = [];
  let rest = path.slice(root[1].length);
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) {
      return {
        error: `fact path '${path}' is malformed near '${rest}' (use .name or ['name'])`,
      };
    }
    segments.push(m[1] ?? m[2] ?? m[3]);
    rest = rest.slice(m[0].length);
  }
  if (segments.length === 0) {
    return { error: `fact path '${path}' names no field below ${root[1]}` };
  }
  return { source: root[1] as FactPath['source'], segments };
}

/** @public */
export type FactValue = string | number | boolean | null | undefined;

/** Splits '3.9.1' / 'v22' / '22' into numbers; undefined when the value is not version-like. */
function versionParts(value: FactValue): number[] | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? String(value).split('.').map(Number)
      : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const m = /^\s*v?(\d+(?:\.\d+)*)\s*$/.exec(value);
  return m ? m[1].split('.').map(Number) : undefined;
}

/**
 * Compares two version-ish values segment by segment ('3.9' \>= '3', '3.10' \> '3.9'); undefined if not comparable.
 *
 * @public
 */
export function compareVersions(
  a: FactValue,
  b: FactValue,
): number | undefined {
  const pa = versionParts(a);
  const pb = versionParts(b);
  if (!pa || !pb) return undefined;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** @public */
export const CHECK_OPERATORS = [
  'exists',
  'notExists',
  '==',
  '!=',
  '>=',
  '>',
  '<=',
  '<',
  'in',
  'notIn',
] as const;
/** @public */
export type CheckOperator = (typeof CHECK_OPERATORS)[number];

const norm = (v: FactValue) =>
  v === undefined || v === null ? undefined : String(v).trim().toLowerCase();

/**
 * Applies one operator to a fact's actual value. Ordering operators compare version-ish values numerically.
 *
 * @public
 */
export function compareFact(
  actual: FactValue,
  operator: CheckOperator,
  expected?: FactValue | FactValue[],
): boolean {
  const present = actual !== undefined && actual !== null && actual !== '';
  switch (operator) {
    case 'exists':
      return present;
    case 'notExists':
      return !present;
    case 'in':
    case 'notIn': {
      const list = (Array.isArray(expected) ? expected : [expected]).map(norm);
      const hit = present && list.includes(norm(actual));
      return operator === 'in' ? hit : !hit;
    }
    default:
      break;
  }
  if (!present || Array.isArray(expected)) return false;
  if (operator === '==' || operator === '!=') {
    const cmp = compareVersions(actual, expected);
    const eq = cmp !== undefined ? cmp === 0 : norm(actual) === norm(expected);
    return operator === '==' ? eq : !eq;
  }
  const cmp = compareVersions(actual, expected);
  if (cmp === undefined) return false;
  switch (operator) {
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0;
    case '<=':
      return cmp <= 0;
    case '<':
      return cmp < 0;
    default:
      return false;
  }
}
