import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { SchedulerServiceTaskFunction } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import managePlugin from '@internal/plugin-manage-backend';
import techMigrationsPlugin from '@internal/plugin-tech-migrations-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';

// The home page shows the manage summary and the migrations leaderboard side by side: on an org deeper than
// tribe → squad both must roll up the same entities for every team (both read @internal/plugin-org-model-*).

jest.setTimeout(60_000);

const relation = (type: string, targetRef: string) => ({ type, targetRef });

/** Relations as the catalog computes them (childOf from spec.parent). */
function group(name: string, type: string, parent?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type, profile: { displayName: `The ${name}` }, children: [] },
    relations: parent ? [relation('childOf', `group:default/${parent}`)] : [],
  };
}

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [relation('ownedBy', `group:default/${owner}`)],
  };
}

// department → tribe → squad → sub-squad, with something owned at every level.
const org = [
  group('dept', 'department'),
  group('tribe-a', 'tribe', 'dept'),
  group('squad-a1', 'squad', 'tribe-a'),
  group('sub-a1x', 'squad', 'squad-a1'),
  group('squad-a2', 'squad', 'tribe-a'),
  group('tribe-b', 'tribe', 'dept'),
  group('squad-b1', 'squad', 'tribe-b'),
];
const owned = [
  component('dept-svc', 'dept'),
  component('tribe-a-svc', 'tribe-a'),
  component('a1-svc', 'squad-a1'),
  component('a1-web', 'squad-a1'),
  component('a1x-svc', 'sub-a1x'),
  component('a1x-job', 'sub-a1x'),
  component('a2-svc', 'squad-a2'),
  component('b1-svc', 'squad-b1'),
];

// Every component in scope and none done: a team's open items are everything its tree owns.
const MIGRATION = `
title: Everything
owner: group:default/dept
startDate: '2026-01-01'
targetDate: '2099-12-31'
scope:
  kind: [Component]
check:
  fact: facts.neverPushed
  operator: exists
`;

describe('one org model for the manage page and the migrations leaderboard', () => {
  let api: ReturnType<typeof request>;
  const user = mockCredentials.user.header('user:default/someone');
  const refs = (items: Array<{ ref?: string; entityRef?: string }>) =>
    items.map(i => i.ref ?? i.entityRef).sort();

  beforeAll(async () => {
    const definitions = fs.mkdtempSync(path.join(os.tmpdir(), 'org-rollups-'));
    fs.writeFileSync(path.join(definitions, 'everything.yaml'), MIGRATION);
    const tasks = new Map<string, SchedulerServiceTaskFunction>();
    const { server } = await startTestBackend({
      features: [
        managePlugin,
        techMigrationsPlugin,
        catalogServiceMock.factory({ entities: [...org, ...owned] }),
        mockServices.rootConfig.factory({
          data: { techMigrations: { definitions } },
        }),
        // The manage mirror runs when the test says so.
        mockServices.scheduler.mock({
          scheduleTask: async task => {
            tasks.set(task.id, task.fn);
          },
        }).factory,
      ],
    });
    api = request(server);
    await tasks.get('manage-catalog-sync')!(new AbortController().signal);
    await api
      .post('/api/tech-migrations/evaluate')
      .set('Authorization', user)
      .expect(200);
  });

  const summary = async (team: string) =>
    (
      await api
        .get(`/api/manage/teams/${encodeURIComponent(team)}/summary`)
        .set('Authorization', user)
        .expect(200)
    ).body;

  it('rolls up the same entities per team at every level', async () => {
    const expected: Record<string, number> = {
      dept: 8,
      'tribe-a': 6,
      'squad-a1': 4,
      'sub-a1x': 2,
      'squad-a2': 1,
      'tribe-b': 1,
      'squad-b1': 1,
    };
    for (const [name, count] of Object.entries(expected)) {
      const team = `group:default/${name}`;
      const manage = await summary(team);
      const items = await api
        .get('/api/tech-migrations/team-items')
        .query({ groupRef: team })
        .set('Authorization', user)
        .expect(200);
      const burnup = await api
        .get('/api/tech-migrations/migrations/everything/burnup')
        .query({ team })
        .set('Authorization', user)
        .expect(200);
      expect([name, manage.owned.total]).toEqual([name, count]);
      expect([name, refs(items.body.items)]).toEqual([
        name,
        refs(manage.owned.entities),
      ]);
      expect([name, burnup.body.points.at(-1).total]).toEqual([name, count]);
    }
  });

  it('ranks tribes and squads over the same trees as the manage page', async () => {
    const board = (
      await api
        .get('/api/tech-migrations/migrations/everything/leaderboard')
        .set('Authorization', user)
        .expect(200)
    ).body;
    // Fewer remaining ranks first (nothing is done). A sub-squad counts in its squad; a tribe's own service is a
    // row of its own; the department's own service has no tribe above it, so it is a row of its own too.
    expect(
      board.tribes.map((t: any) => [
        t.teamRef,
        t.total,
        t.squads.map((s: any) => [s.teamRef, s.total]),
      ]),
    ).toEqual([
      ['group:default/dept', 1, [['group:default/dept', 1]]],
      ['group:default/tribe-b', 1, [['group:default/squad-b1', 1]]],
      [
        'group:default/tribe-a',
        6,
        [
          ['group:default/squad-a2', 1],
          ['group:default/tribe-a', 1],
          ['group:default/squad-a1', 4],
        ],
      ],
    ]);
    const tribes = board.tribes.filter(
      (t: any) => t.teamRef !== 'group:default/dept',
    );
    const squads = tribes.flatMap((t: any) =>
      t.squads.filter((s: any) => s.teamRef !== t.teamRef),
    );
    for (const row of [...tribes, ...squads]) {
      expect([row.teamRef, row.total]).toEqual([
        row.teamRef,
        (await summary(row.teamRef)).owned.total,
      ]);
    }
    // Both show the org model's title.
    expect(tribes[1].title).toBe('The tribe-a');
    expect((await summary('group:default/tribe-a')).team.title).toBe(
      'The tribe-a',
    );
  });
});
