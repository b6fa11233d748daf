import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { SchedulerServiceTaskFunction } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { orgEntities } from '../__fixtures__/org';
import { managePlugin } from '../plugin';

/** SQLite (cheap) and the real local PostgreSQL (scripts/test.sh sets the same default), where varchar limits and NUL bytes bite. */
export function storeDatabases() {
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
    'postgresql://postgres@127.0.0.1:5432';
  return TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
}

/** Last month as `YYYY-MM`: a KPI period valid on any date (the push API refuses future months). */
export function previousMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1))
    .toISOString()
    .slice(0, 7);
}

/**
 * The plugin in a test backend over the fixture org, with its scheduled tasks captured so each test runs them when it
 * wants, deterministically; the catalog sync has run once when this returns.
 */
export async function startManage(
  options: { knex?: Knex; config?: object; features?: any[] } = {},
) {
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  const { server } = await startTestBackend({
    features: [
      managePlugin,
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      catalogServiceMock.factory({ entities: orgEntities }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      mockServices.scheduler.mock({
        scheduleTask: async task => {
          tasks.set(task.id, task.fn);
        },
      }).factory,
      ...(options.features ?? []),
    ],
  });
  const run = async (id: string) => {
    const fn = tasks.get(id);
    if (!fn) throw new Error(`no task ${id}; have ${[...tasks.keys()]}`);
    await fn(new AbortController().signal);
  };
  await run('manage-catalog-sync');
  return { server, run, tasks };
}
