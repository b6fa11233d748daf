import { Entity } from '@backstage/catalog-model';
import { normalizeRef, OrgGroup, toOrgGroup, TRIBE_TYPE } from './entities';

/**
 * The org at one point in time: every group with its parent, walked at any depth. Refs passed in are normalised
 * (`checkout-squad` finds `group:default/checkout-squad`). Parent loops in the catalog cannot hang a walk: each
 * group is visited once.
 *
 * @public
 */
export class OrgModel {
  private readonly byRef = new Map<string, OrgGroup>();
  private readonly children = new Map<string, OrgGroup[]>();

  static fromEntities(groups: Entity[]): OrgModel {
    return new OrgModel(groups.map(toOrgGroup));
  }

  constructor(groups: OrgGroup[]) {
    for (const group of groups) {
      this.byRef.set(group.ref, group);
    }
    for (const group of this.byRef.values()) {
      if (!group.parentRef) continue;
      const siblings = this.children.get(group.parentRef) ?? [];
      siblings.push(group);
      this.children.set(group.parentRef, siblings);
    }
    for (const siblings of this.children.values()) {
      siblings.sort(
        (a, b) => a.title.localeCompare(b.title) || a.ref.localeCompare(b.ref),
      );
    }
  }

  /** Every group, in no particular order. */
  groups(): OrgGroup[] {
    return [...this.byRef.values()];
  }

  get(ref: string): OrgGroup | undefined {
    return this.byRef.get(normalizeRef(ref));
  }

  /** The group's title, or its name when the catalog has no such group (a user owner, a deleted team). */
  titleOf(ref: string): string {
    const normalized = normalizeRef(ref);
    return (
      this.byRef.get(normalized)?.title ?? normalized.replace(/^[^/]*\//, '')
    );
  }

  /** Direct children, by title. */
  childrenOf(ref: string): OrgGroup[] {
    return this.children.get(normalizeRef(ref)) ?? [];
  }

  /** Parent, grandparent… up to the top, nearest first. */
  ancestorsOf(ref: string): string[] {
    const seen = new Set([normalizeRef(ref)]);
    const ancestors: string[] = [];
    let parent = this.byRef.get(normalizeRef(ref))?.parentRef;
    while (parent && !seen.has(parent)) {
      ancestors.push(parent);
      seen.add(parent);
      parent = this.byRef.get(parent)?.parentRef;
    }
    return ancestors;
  }

  /**
   * The team and every group below it at any depth: the owners whose entities the team's figures roll up. A ref
   * the org does not know (a user, a deleted team) is a tree of one.
   */
  treeOf(ref: string): string[] {
    const root = normalizeRef(ref);
    const tree = [root];
    const seen = new Set(tree);
    for (let i = 0; i < tree.length; i++) {
      for (const child of this.children.get(tree[i]) ?? []) {
        if (!seen.has(child.ref)) {
          seen.add(child.ref);
          tree.push(child.ref);
        }
      }
    }
    return tree;
  }

  /** The teams whose roll-ups include what `ownerRef` owns: itself and its ancestors (the inverse of treeOf). */
  rollUpsOf(ownerRef: string): string[] {
    return [normalizeRef(ownerRef), ...this.ancestorsOf(ownerRef)];
  }

  /**
   * The tribe a team belongs to: the nearest of itself and its ancestors typed `tribe`; without one, the top of
   * its chain (an untyped org reads as tribe → squad). A ref the org does not know is its own tribe.
   */
  tribeOf(ref: string): string {
    const chain = this.rollUpsOf(ref);
    return (
      chain.find(r => this.byRef.get(r)?.type === TRIBE_TYPE) ??
      chain[chain.length - 1]
    );
  }

  /**
   * The squad row a team is counted in, under its tribe: the one of itself and its ancestors directly below the
   * tribe (a sub-squad counts in its squad). A tribe's own entities count in the tribe itself.
   */
  squadOf(ref: string): string {
    const chain = this.rollUpsOf(ref);
    const tribe = chain.indexOf(this.tribeOf(ref));
    return tribe > 0 ? chain[tribe - 1] : chain[0];
  }
}
