import { Entity } from '@backstage/catalog-model';

/** A tiny org: tribe-a → squad-1, squad-2; tribe-b → squad-3. Relations are given as the catalog would compute them. */
function group(name: string, type: string, parent?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type, profile: { displayName: name.toUpperCase() }, children: [] },
    relations: parent
      ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
      : [],
  };
}

function component(name: string, owner: string, type = 'service'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type, lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

export const orgEntities: Entity[] = [
  group('tribe-a', 'tribe'),
  group('squad-1', 'squad', 'tribe-a'),
  group('squad-2', 'squad', 'tribe-a'),
  group('tribe-b', 'tribe'),
  group('squad-3', 'squad', 'tribe-b'),
  component('svc-1', 'squad-1'),
  component('web-1', 'squad-1', 'website'),
  component('svc-2', 'squad-2'),
  component('svc-3', 'squad-3'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'api-1', namespace: 'default' },
    spec: { type: 'openapi', lifecycle: 'production', owner: 'squad-1' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/squad-1' }],
  },
];
