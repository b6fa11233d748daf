import {
  Entity,
  parseEntityRef,
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * `spec.type` of a top-level team (the GitHub org shape gives it to top-level teams).
 *
 * @public
 */
export const TRIBE_TYPE = 'tribe';
/**
 * `spec.type` of a team inside a tribe, at any depth.
 *
 * @public
 */
export const SQUAD_TYPE = 'squad';

/**
 * A team of the org, as every plugin sees it. Refs are normalised (see {@link normalizeRef}).
 *
 * @public
 */
export interface OrgGroup {
  ref: string;
  /** {@link groupTitle}: what every page shows for the team. */
  title: string;
  /** `spec.type`: `tribe`, `squad`, or anything else the catalog has (`department`…). */
  type?: string;
  parentRef?: string;
}

/**
 * The Group fields {@link toOrgGroup} reads: pass them as `fields` to catalog queries.
 *
 * @public
 */
export const ORG_GROUP_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.type',
  'spec.parent',
  'spec.profile.displayName',
  'relations',
];

/**
 * The fields {@link ownerRefsOf} reads from any entity.
 *
 * @public
 */
export const OWNER_FIELDS = ['metadata.namespace', 'spec.owner', 'relations'];

/**
 * One spelling per ref: `kind:namespace/name`, lower-case (the catalog compares refs case-insensitively), kind
 * defaulting to group. A value that is not a ref is only lower-cased, so a lookup of it finds nothing.
 *
 * @public
 */
export function normalizeRef(
  ref: string,
  defaults: { defaultKind?: string; defaultNamespace?: string } = {},
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: defaults.defaultKind ?? 'group',
        defaultNamespace: defaults.defaultNamespace ?? 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return ref.toLocaleLowerCase('en-US');
  }
}

/**
 * The normalised ref of an entity.
 *
 * @public
 */
export function refOf(entity: Entity): string {
  return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
}

/**
 * What a team is called everywhere: `spec.profile.displayName`, else `metadata.title`, else `metadata.name`.
 *
 * @public
 */
export function groupTitle(entity: Entity): string {
  const profile = entity.spec?.profile as { displayName?: unknown } | undefined;
  if (typeof profile?.displayName === 'string' && profile.displayName) {
    return profile.displayName;
  }
  return entity.metadata.title || entity.metadata.name;
}

/**
 * Relation targets of a type, or, when the entity has none of that type (read before the catalog processed it,
 * or from a fixture), the spec field the catalog derives that relation from.
 */
function related(entity: Entity, type: string, specField: string): string[] {
  const targets = (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => normalizeRef(r.targetRef));
  if (targets.length) return targets;
  const value = entity.spec?.[specField];
  if (typeof value !== 'string' || !value) return [];
  return [
    normalizeRef(value, {
      defaultNamespace: entity.metadata.namespace ?? 'default',
    }),
  ];
}

/**
 * The owners of an entity: its `ownedBy` relations (or `spec.owner`), normalised. Usually one.
 *
 * @public
 */
export function ownerRefsOf(entity: Entity): string[] {
  return related(entity, RELATION_OWNED_BY, 'owner');
}

/**
 * The owner a roll-up counts an entity under: the first of {@link ownerRefsOf}.
 *
 * @public
 */
export function ownerRefOf(entity: Entity): string | undefined {
  return ownerRefsOf(entity)[0];
}

/**
 * A group's parent: its `childOf` relation (or `spec.parent`), normalised.
 *
 * @public
 */
export function parentRefOf(group: Entity): string | undefined {
  return related(group, RELATION_CHILD_OF, 'parent')[0];
}

/**
 * A Group entity as the org model keeps it.
 *
 * @public
 */
export function toOrgGroup(group: Entity): OrgGroup {
  const type = group.spec?.type;
  return {
    ref: refOf(group),
    title: groupTitle(group),
    type: typeof type === 'string' && type ? type : undefined,
    parentRef: parentRefOf(group),
  };
}
