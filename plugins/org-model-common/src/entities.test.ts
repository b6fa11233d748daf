import { Entity } from '@backstage/catalog-model';
import {
  groupTitle,
  normalizeRef,
  ownerRefOf,
  ownerRefsOf,
  parentRefOf,
  toOrgGroup,
} from './entities';

const entity = (spec: object, extra: Partial<Entity> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', namespace: 'payments' },
  spec,
  ...extra,
});

describe('normalizeRef', () => {
  it('gives one spelling per ref, kind defaulting to group', () => {
    expect(normalizeRef('Checkout-Squad')).toBe('group:default/checkout-squad');
    expect(normalizeRef('Group:Default/Checkout-Squad')).toBe(
      'group:default/checkout-squad',
    );
    expect(normalizeRef('user:jane')).toBe('user:default/jane');
    expect(normalizeRef('a:b:c/d/e')).toBe('a:b:c/d/e');
  });
});

describe('ownerRefsOf', () => {
  it('reads the ownedBy relations, normalised', () => {
    const e = entity(
      { owner: 'ignored' },
      {
        relations: [
          { type: 'ownedBy', targetRef: 'group:default/Squad-A' },
          { type: 'partOf', targetRef: 'system:default/x' },
        ],
      },
    );
    expect(ownerRefsOf(e)).toEqual(['group:default/squad-a']);
    expect(ownerRefOf(e)).toBe('group:default/squad-a');
  });

  it('falls back to spec.owner in the entity namespace when there is no relation', () => {
    expect(ownerRefOf(entity({ owner: 'squad-a' }))).toBe(
      'group:payments/squad-a',
    );
    expect(ownerRefOf(entity({ owner: 'user:default/jane' }))).toBe(
      'user:default/jane',
    );
    expect(ownerRefOf(entity({}))).toBeUndefined();
  });
});

describe('groups', () => {
  const group = (spec: object, relations?: Entity['relations']): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'Squad-A', namespace: 'default', title: 'Title' },
    spec,
    relations,
  });

  it('takes the parent from childOf, else spec.parent', () => {
    expect(
      parentRefOf(
        group({ parent: 'ignored' }, [
          { type: 'childOf', targetRef: 'group:default/tribe' },
        ]),
      ),
    ).toBe('group:default/tribe');
    expect(parentRefOf(group({ parent: 'tribe' }))).toBe('group:default/tribe');
    expect(parentRefOf(group({}, []))).toBeUndefined();
  });

  it('titles a team by displayName, then title, then name', () => {
    expect(groupTitle(group({ profile: { displayName: 'Squad A' } }))).toBe(
      'Squad A',
    );
    expect(groupTitle(group({ profile: {} }))).toBe('Title');
    const untitled = group({});
    delete untitled.metadata.title;
    expect(groupTitle(untitled)).toBe('Squad-A');
  });

  it('keeps ref, title, type and parent', () => {
    expect(toOrgGroup(group({ type: 'squad', parent: 'tribe' }))).toEqual({
      ref: 'group:default/squad-a',
      title: 'Title',
      type: 'squad',
      parentRef: 'group:default/tribe',
    });
  });
});
