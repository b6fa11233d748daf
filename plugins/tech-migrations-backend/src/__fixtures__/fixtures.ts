import { Entity } from '@backstage/catalog-model';
import fs from 'fs';
import os from 'os';
import path from 'path';

export function group(name: string, type: string, parent?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: {
      type,
      ...(parent ? { parent } : {}),
      profile: { displayName: name.replace(/-/g, ' ') },
      children: [],
    },
  };
}

export function component(
  name: string,
  options: {
    owner: string;
    type?: string;
    lifecycle?: string;
    tags?: string[];
    system?: string;
    annotations?: Record<string, string>;
    kind?: string;
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: options.kind ?? 'Component',
    metadata: {
      name,
      namespace: 'default',
      tags: options.tags ?? [],
      annotations: options.annotations ?? {},
    },
    spec: {
      type: options.type ?? 'service',
      lifecycle: options.lifecycle ?? 'production',
      owner: options.owner,
      ...(options.system ? { system: options.system } : {}),
    },
  };
}

/** Two tribes, three squads. */
export const groups: Entity[] = [
  group('payments-tribe', 'tribe'),
  group('experience-tribe', 'tribe'),
  group('checkout-squad', 'squad', 'payments-tribe'),
  group('fraud-squad', 'squad', 'payments-tribe'),
  group('search-squad', 'squad', 'experience-tribe'),
];

const py = (v: string) => ({ 'example.com/python-version': v });
export const entities: Entity[] = [
  // python: fraud 1 done + 1 exempt, search 2 done 1 remaining, checkout 0/1
  component('fraud-api', {
    owner: 'fraud-squad',
    tags: ['python'],
    annotations: py('3.9'),
  }),
  component('money-utils', {
    owner: 'fraud-squad',
    type: 'library',
    tags: ['python'],
    annotations: py('2.7'),
  }),
  component('search-api', {
    owner: 'search-squad',
    tags: ['python'],
    system: 'storefront',
    annotations: py('3.12'),
  }),
  component('ranker', {
    owner: 'search-squad',
    tags: ['python'],
    annotations: py('3.11'),
  }),
  component('indexer', {
    owner: 'search-squad',
    tags: ['python'],
    lifecycle: 'experimental',
    annotations: py('2.7'),
  }),
  component('cart-py', {
    owner: 'checkout-squad',
    tags: ['python'],
    annotations: py('2'),
  }),
  // out of every python scope: wrong tag, wrong kind
  component('checkout-web', {
    owner: 'checkout-squad',
    type: 'website',
    tags: ['typescript'],
    annotations: { 'example.com/node-version': '20' },
  }),
  component('py-api-def', {
    owner: 'checkout-squad',
    kind: 'API',
    type: 'openapi',
    tags: ['python'],
    annotations: py('2.7'),
  }),
];

export const PYTHON_3 = `
title: Python 3
owner: platform-tribe
startDate: '2026-01-01'
targetDate: '2026-12-31'
scope:
  kind: [Component, API]
  tags: [python]
  type: [service, library]
check:
  fact: metadata.annotations['example.com/python-version']
  operator: '>='
  value: 3
exemptions:
  - entity: component:default/money-utils
    reason: being deleted
    expires: '2026-06-30'
`;

export const NODE_22 = `
title: Node 22
owner: group:default/checkout-squad
startDate: '2026-01-01'
targetDate: '2027-06-30'
scope:
  tags: [typescript]
check:
  any:
    - fact: metadata.annotations['example.com/node-version']
      operator: '>='
      value: 22
    - fact: facts.nodeVersion
      operator: '>='
      value: 22
`;

/** A folder of definition files; returns its path. */
export function definitionsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tech-migrations-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The local PostgreSQL (scripts/ensure-postgres.sh) unless the environment names another one. */
export function usePostgresFromEnvironment() {
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
    'postgresql://postgres@127.0.0.1:5432';
}
