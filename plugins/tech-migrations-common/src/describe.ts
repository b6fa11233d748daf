import type { Check, LeafCheck } from './schemas';

const OP_TEXT: Record<LeafCheck['operator'], string> = {
  exists: 'is set',
  notExists: 'is not set',
  '==': '=',
  '!=': '≠',
  '>=': '≥',
  '>': '>',
  '<=': '≤',
  '<': '<',
  in: 'is one of',
  notIn: 'is none of',
};

/**
 * `metadata.annotations['example.com/node-version'] ≥ 22`, `any of (…, …)`.
 *
 * @public
 */
export function describeCheck(check: Check): string {
  if ('all' in check)
    return `all of (${check.all.map(describeCheck).join('; ')})`;
  if ('any' in check)
    return `any of (${check.any.map(describeCheck).join('; ')})`;
  if (check.description) return check.description;
  const value = Array.isArray(check.value)
    ? check.value.join(', ')
    : check.value;
  return `${check.fact} ${OP_TEXT[check.operator]}${
    value === undefined ? '' : ` ${value}`
  }`;
}
