import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { OrgModel, ownerRefOf, refOf } from '@internal/plugin-org-model-common';
import {
  Check,
  compareFact,
  describeCheck,
  FactValue,
  LeafCheck,
  MigrationDefinition,
  MigrationEntity,
  MigrationScope,
  parseFactPath,
} from '@internal/plugin-tech-migrations-common';

/** Facts pushed by CI for one entity, by name. */
export type PushedFacts = Record<string, FactValue>;

/** One row of tm_entity_status: what the API serves as a migration's entity, column for column. */
export type EntityStatusRow = MigrationEntity;

/** Where an entity without an owner is counted, so every in-scope entity is in some team's figures. */
export const UNOWNED = 'group:default/unowned';

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** The entity's ref, as the org model spells refs (lower-case). */
export const entityRefOf = refOf;

export function scopeKinds(scope: MigrationScope): string[] {
  return (scope.kind ?? ['Component']).map(lower);
}

function systemRefOf(entity: Entity): string | undefined {
  const system = entity.spec?.system;
  if (typeof system !== 'string' || !system) return undefined;
  try {
    return lower(
      stringifyEntityRef(
        parseEntityRef(system, {
          defaultKind: 'system',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ),
    );
  } catch {
    return undefined;
  }
}

/** Whether an entity is in a migration's scope; every given field must match (case-insensitive). */
export function inScope(entity: Entity, scope: MigrationScope): boolean {
  if (!scopeKinds(scope).includes(lower(entity.kind))) return false;
  const specString = (key: string) => {
    const v = entity.spec?.[key];
    return typeof v === 'string' ? lower(v) : undefined;
  };
  const oneOf = (list: string[] | undefined, value: string | undefined) =>
    !list || (value !== undefined && list.map(lower).includes(value));
  if (!oneOf(scope.type, specString('type'))) return false;
  if (!oneOf(scope.lifecycle, specString('lifecycle'))) return false;
  if (scope.tags) {
    const tags = (entity.metadata.tags ?? []).map(lower);
    if (!scope.tags.some(t => tags.includes(lower(t)))) return false;
  }
  if (scope.system) {
    const system = systemRefOf(entity);
    const wanted = scope.system.map(s =>
      lower(
        stringifyEntityRef(
          parseEntityRef(s, {
            defaultKind: 'system',
            defaultNamespace: 'default',
          }),
        ),
      ),
    );
    if (!system || !wanted.includes(system)) return false;
  }
  return true;
}

/** Reads a fact: entity metadata/spec fields, or a fact pushed by CI. */
export function readFact(
  entity: Entity,
  facts: PushedFacts | undefined,
  path: string,
): FactValue {
  const parsed = parseFactPath(path);
  if ('error' in parsed) return undefined;
  if (parsed.source === 'facts') {
    return facts?.[parsed.segments.join('.')];
  }
  let node: unknown =
    parsed.source === 'metadata' ? entity.metadata : entity.spec;
  for (const segment of parsed.segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  if (
    typeof node === 'string' ||
    typeof node === 'number' ||
    typeof node === 'boolean'
  ) {
    return node;
  }
  return undefined;
}

function describeMiss(check: LeafCheck, actual: FactValue): string {
  const wanted = describeCheck({ ...check, description: undefined });
  if (check.description) return check.description;
  if (actual === undefined || actual === null || actual === '') {
    return check.operator === 'exists'
      ? `${check.fact} is not set`
      : `${check.fact} is not set (needs ${wanted.slice(
          check.fact.length + 1,
        )})`;
  }
  return `${check.fact} is ${actual} (needs ${wanted.slice(
    check.fact.length + 1,
  )})`;
}

/** Evaluates a check; `missing` says what failed, in words. */
export function runCheck(
  check: Check,
  entity: Entity,
  facts: PushedFacts | undefined,
): { pass: boolean; missing?: string } {
  if ('all' in check) {
    const failed = check.all
      .map(c => runCheck(c, entity, facts))
      .filter(r => !r.pass);
    return failed.length === 0
      ? { pass: true }
      : { pass: false, missing: failed.map(r => r.missing).join('; ') };
  }
  if ('any' in check) {
    const results = check.any.map(c => runCheck(c, entity, facts));
    return results.some(r => r.pass)
      ? { pass: true }
      : { pass: false, missing: results.map(r => r.missing).join(' or ') };
  }
  const actual = readFact(entity, facts, check.fact);
  return compareFact(actual, check.operator, check.value)
    ? { pass: true }
    : { pass: false, missing: describeMiss(check, actual) };
}

/**
 * Evaluates one entity against one migration: undefined when out of scope, else its status. An exemption counts
 * while its expiry day has not passed (`today <= expires`); an expired one is ignored.
 */
export function evaluateEntity(
  migration: MigrationDefinition,
  entity: Entity,
  facts: PushedFacts | undefined,
  org: OrgModel,
  today: string,
): EntityStatusRow | undefined {
  if (!inScope(entity, migration.scope)) return undefined;
  const entityRef = entityRefOf(entity);
  const ownerRef = ownerRefOf(entity) ?? UNOWNED;
  const base = {
    migrationId: migration.id,
    entityRef,
    ownerRef,
    tribeRef: org.tribeOf(ownerRef),
  };
  const result = runCheck(migration.check, entity, facts);
  if (result.pass) return { ...base, status: 'done' };
  const exemption = migration.exemptions.find(
    e => e.entity === entityRef && today <= e.expires,
  );
  if (exemption) {
    return {
      ...base,
      status: 'exempt',
      detail: `${exemption.reason} (until ${exemption.expires})`,
    };
  }
  return { ...base, status: 'remaining', detail: result.missing };
}
