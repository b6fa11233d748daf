import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { OrgModel } from '@internal/plugin-org-model-common';
import { Knex } from 'knex';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import request from 'supertest';
import {
  definitionsDir,
  entities,
  groups,
  NODE_22,
  PYTHON_3,
  usePostgresFromEnvironment,
} from '../__fixtures__/fixtures';
import { techMigrationsPlugin } from '../plugin';
import { MigrationStore } from '../database/MigrationStore';
import { MigrationService } from '../services/MigrationService';

/** The two definition files most tests run against. */
export const defaultDefinitions = (): Record<string, string> => ({
  'python-3.yaml': PYTHON_3,
  'node-22.yaml': NODE_22,
});

/** SQLite (cheap) and PostgreSQL (where varchar limits and NUL bytes bite), the local one unless the environment names another. */
export function storeDatabases() {
  usePostgresFromEnvironment();
  return TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
}

/**
 * A stand-in for the notifications plugin's service that records what it is asked to send (after `delayMs`, so
 * concurrent passes overlap), or fails while `failing` is set.
 */
export function recordingNotifications(options: { delayMs?: number } = {}) {
  const sent: NotificationSendOptions[] = [];
  const recorder = {
    sent,
    failing: false,
    /** Fails only the sends this matches (as if the notifications plugin refused them). */
    failWhen: undefined as
      | undefined
      | ((notification: NotificationSendOptions) => boolean),
    /** Sends in flight now, and the most there were at once. */
    inFlight: 0,
    maxInFlight: 0,
    factory: createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        send: async (notification: NotificationSendOptions) => {
          recorder.inFlight++;
          recorder.maxInFlight = Math.max(
            recorder.maxInFlight,
            recorder.inFlight,
          );
          try {
            if (options.delayMs) {
              await new Promise(r => setTimeout(r, options.delayMs));
            }
            if (recorder.failing || recorder.failWhen?.(notification))
              throw new Error('notifications plugin down');
            sent.push(notification);
          } finally {
            recorder.inFlight--;
          }
        },
      }),
    }),
  };
  return recorder;
}

/** What a tech-migrations test backend is made of. */
export interface TechMigrationsOptions {
  knex?: Knex;
  definitions?: Record<string, string>;
  /** A folder of definitions the test changes itself (instead of `definitions`). */
  definitionsDir?: string;
  config?: Record<string, any>;
  features?: any[];
  notifications?: ReturnType<typeof recordingNotifications>['factory'];
}

/**
 * The plugin in a test backend over the fixture catalog and a folder of `definitions` (added to
 * `config.techMigrations`). Notifications go to `notifications` (a notification service factory), by default a
 * recorder nobody reads.
 */
export async function startTechMigrationsBackend(
  options: TechMigrationsOptions = {},
) {
  return startTestBackend({
    features: [
      techMigrationsPlugin,
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          techMigrations: {
            ...options.config?.techMigrations,
            definitions:
              options.definitionsDir ??
              definitionsDir(options.definitions ?? defaultDefinitions()),
          },
        },
      }),
      catalogServiceMock.factory({ entities: [...entities, ...groups] }),
      options.notifications ?? recordingNotifications().factory,
      ...(options.features ?? []),
    ],
  });
}

/** `startTechMigrationsBackend`'s HTTP server. */
export async function startTechMigrations(options: TechMigrationsOptions = {}) {
  return (await startTechMigrationsBackend(options)).server;
}

/** A MigrationService on its own store over `knex`, the fixture org and the given catalog and definitions folder. */
export async function migrationService(options: {
  knex: Knex;
  definitionsDir: string;
  listEntities: (kinds: string[]) => Promise<Entity[]>;
  now: () => Date;
}) {
  const store = await MigrationStore.create(
    mockServices.database.mock({ getClient: async () => options.knex }),
  );
  const org = OrgModel.fromEntities(groups);
  const service = new MigrationService({
    store,
    source: { listEntities: options.listEntities },
    org: { current: async () => org, refresh: async () => org },
    definitionsDir: options.definitionsDir,
    logger: mockServices.logger.mock(),
    now: options.now,
  });
  return { store, service };
}

/** An evaluation pass requested over HTTP as `authorization`. */
export function evaluate(
  api: ReturnType<typeof request>,
  authorization: string,
) {
  return api
    .post('/api/tech-migrations/evaluate')
    .set('Authorization', authorization);
}

/** A push of CI facts (`POST /facts`) with `body`, as `authorization`. */
export function pushFacts(
  api: ReturnType<typeof request>,
  authorization: string,
  body: object,
) {
  return api
    .post('/api/tech-migrations/facts')
    .set('Authorization', authorization)
    .send(body);
}
