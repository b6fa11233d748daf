import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  Check,
  compareFact,
  describeCheck,
  EntityMigrationState,
  FactValue,
  LeafCheck,
  MigrationDefinition,
  MigrationScope,
  parseFactPath,
} from '@internal/plugin-tech-migrations-common';

/** Facts pushed by CI for one entity, by name. */
export type PushedFacts = Record<string, FactValue>;

/** A group of the org, for the squad → tribe roll-up. */
export interface Team {
  teamRef: string;
  title: string;
  parentRef?: string;
  type?: string;
}

/** One row of tm_entity_status. */
export interface EntityStatusRow {
  migrationId: string;
  entityRef: string;
  ownerRef: string;
  tribeRef: string;
  status: EntityMigrationState;
  detail?: string;
}

export const UNOWNED = 'group:default/unowned';

const lower = (s: string) => s.toLocaleLowerCase('en-US');

export function entityRefOf(entity: Entity): string {
  return lower(stringifyEntityRef(entity));
}

/** The owner group from the ownedBy relation, falling back to spec.owner. */
export function ownerRefOf(entity: Entity): string {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) return lower(relation.targetRef);
  const owner = entity.spec?.owner;
  if (typeof owner === 'string' && owner) {
    try {
      return lower(
        stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ),
      );
    } catch {
      return UNOWNED;
    }
  }
  return UNOWNED;
}

/** The team's tribe: its parent group, or the team itself when it has none (a tribe owning directly). */
export function tribeRefOf(ownerRef: string, teams: Map<string, Team>): string {
  return teams.get(ownerRef)?.parentRef ?? ownerRef;
}

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
  teams: Map<string, Team>,
  today: string,
): EntityStatusRow | undefined {
  if (!inScope(entity, migration.scope)) return undefined;
  const entityRef = entityRefOf(entity);
  const ownerRef = ownerRefOf(entity);
  const base = {
    migrationId: migration.id,
    entityRef,
    ownerRef,
    tribeRef: tribeRefOf(ownerRef, teams),
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

/** Teams from Group entities: title from profile.displayName, tribe from spec.parent. */
export function teamsFromGroups(groups: Entity[]): Map<string, Team> {
  const teams = new Map<string, Team>();
  for (const group of groups) {
    const teamRef = entityRefOf(group);
    const parent = group.spec?.parent;
    let parentRef: string | undefined;
    if (typeof parent === 'string' && parent) {
      try {
        parentRef = lower(
          stringifyEntityRef(
            parseEntityRef(parent, {
              defaultKind: 'group',
              defaultNamespace: group.metadata.namespace ?? 'default',
            }),
          ),
        );
      } catch {
        parentRef = undefined;
      }
    }
    const profile = group.spec?.profile as { displayName?: string } | undefined;
    teams.set(teamRef, {
      teamRef,
      title:
        profile?.displayName ?? group.metadata.title ?? group.metadata.name,
      parentRef,
      type: typeof group.spec?.type === 'string' ? group.spec.type : undefined,
    });
  }
  return teams;
}
