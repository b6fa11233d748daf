import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  entityRefSchema,
  EntityMigrationsResponse,
  factsPushSchema,
  FactsPushResponse,
  groupRefSchema,
  MigrationEntitiesResponse,
  migrationIdSchema,
  MigrationListResponse,
  techMigrationsEvaluatePermission,
  techMigrationsFactsWritePermission,
} from '@internal/plugin-tech-migrations-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { fromZodError } from 'zod-validation-error/v3';
import { CatalogVisibility } from './services/CatalogVisibility';
import { parseDefinition } from './services/definitions';
import { MigrationService } from './services/MigrationService';
import { MigrationNotifier } from './services/notifications/MigrationNotifier';

export interface RouterOptions {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: MigrationService;
  /** Owner notifications; absent when `techMigrations.notifications.enabled` is false. */
  notifier?: MigrationNotifier;
  /** Entities as the caller may see them (catalog on behalf of the caller), in the order of `refs`. */
  lookupEntities: (
    refs: string[],
    credentials: BackstageCredentials,
  ) => Promise<Array<Entity | undefined>>;
}

/**
 * Parses with zod and throws an InputError naming the fields (rendered as 400 by the error middleware). A single
 * value (path or query parameter) has no field path of its own: its name is `what`.
 */
function parseInput<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      fromZodError(result.error, { prefix: `Invalid ${what}` }).message,
    );
  }
  return result.data;
}

const statusQuery = z.enum(['done', 'remaining', 'exempt']).optional();
const validateBody = z
  .object({ file: z.string().min(1), content: z.string() })
  .strict();

/**
 * HTTP API under /api/tech-migrations; every route needs user or service credentials. Reads show only the entities
 * and teams the caller may read in the catalog; writes ask the permission framework (the policy decides for users,
 * access restrictions for service principals such as the CI token).
 */
export async function createRouter({
  auth,
  httpAuth,
  permissions,
  service,
  notifier,
  lookupEntities,
}: RouterOptions): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '2mb' }));
  const visibility = new CatalogVisibility(permissions);

  const caller = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  // Checked before any lookup: ids are stored in a varchar(63) and PostgreSQL refuses a NUL byte with an error.
  const migrationId = (req: express.Request) =>
    parseInput(migrationIdSchema, req.params.id, 'migration id');

  const authorized = async (
    req: express.Request,
    permission: BasicPermission,
    what: string,
  ) => {
    const credentials = await caller(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${what} is not allowed`);
    }
    return credentials;
  };

  router.get('/migrations', async (req, res) => {
    await caller(req);
    const body: MigrationListResponse = {
      migrations: await service.listSummaries(),
      errors: service.definitionErrors,
    };
    res.json(body);
  });

  router.get('/migrations/:id', async (req, res) => {
    await caller(req);
    res.json({ migration: await service.getSummary(migrationId(req)) });
  });

  // Counts cover every entity (they are aggregates); teams the caller may not read are left out.
  router.get('/migrations/:id/leaderboard', async (req, res) => {
    const credentials = await caller(req);
    const board = await service.leaderboard(migrationId(req));
    const readable = await visibility.readable(
      board.tribes.flatMap(t => [t.teamRef, ...t.squads.map(s => s.teamRef)]),
      credentials,
    );
    res.json({
      tribes: board.tribes
        .filter(t => readable.has(t.teamRef))
        .map(t => ({
          ...t,
          squads: t.squads.filter(s => readable.has(s.teamRef)),
        })),
    });
  });

  router.get('/migrations/:id/burnup', async (req, res) => {
    await caller(req);
    const team =
      typeof req.query.team === 'string'
        ? parseInput(groupRefSchema, req.query.team, 'team')
        : undefined;
    res.json(await service.burnup(migrationId(req), team));
  });

  router.get('/migrations/:id/entities', async (req, res) => {
    const credentials = await caller(req);
    const status = parseInput(statusQuery, req.query.status, 'status');
    const body: MigrationEntitiesResponse = {
      entities: await visibility.filter(
        await service.entities(migrationId(req), status),
        e => e.entityRef,
        credentials,
      ),
    };
    res.json(body);
  });

  router.get('/entity', async (req, res) => {
    const credentials = await caller(req);
    const entityRef = parseInput(
      entityRefSchema,
      req.query.entityRef,
      'entityRef',
    );
    // An entity the caller may not read answers like one without migrations.
    const body: EntityMigrationsResponse = {
      items: await visibility.filter(
        await service.entityItems(entityRef),
        i => i.entityRef,
        credentials,
      ),
    };
    res.json(body);
  });

  router.get('/team-items', async (req, res) => {
    const credentials = await caller(req);
    const groupRef = parseInput(groupRefSchema, req.query.groupRef, 'groupRef');
    const items = (await visibility.readable([groupRef], credentials)).size
      ? await service.teamItems(groupRef)
      : [];
    const body: EntityMigrationsResponse = {
      items: await visibility.filter(items, i => i.entityRef, credentials),
    };
    res.json(body);
  });

  /** CI pushes facts per entity; all-or-nothing, then those entities are re-evaluated. */
  router.post('/facts', async (req, res) => {
    const credentials = await authorized(
      req,
      techMigrationsFactsWritePermission,
      'Pushing migration facts',
    );
    const request = parseInput(factsPushSchema, req.body, 'facts payload');
    let updatedBy = 'unknown';
    if (auth.isPrincipal(credentials, 'user')) {
      updatedBy = credentials.principal.userEntityRef;
    } else if (auth.isPrincipal(credentials, 'service')) {
      updatedBy = credentials.principal.subject;
    }
    const result = await service.pushFacts(request, updatedBy, refs =>
      lookupEntities(refs, credentials),
    );
    const body: FactsPushResponse = result;
    res.json(body);
  });

  /** Runs a full evaluation pass now (the schedule runs it too). */
  router.post('/evaluate', async (req, res) => {
    await authorized(
      req,
      techMigrationsEvaluatePermission,
      'Running an evaluation',
    );
    res.json(await service.evaluateAll());
  });

  /**
   * Runs the owner-notification pass now (the schedule runs it too): the same permission as an evaluation pass, as
   * it only sends what is due and was not sent before.
   */
  router.post('/notify', async (req, res) => {
    await authorized(
      req,
      techMigrationsEvaluatePermission,
      'Running the notification pass',
    );
    if (!notifier) {
      throw new NotFoundError(
        'Notifications are disabled (techMigrations.notifications.enabled)',
      );
    }
    res.json(await notifier.run());
  });

  /** Validates a definition file without storing it (for CI on the catalog repository). */
  router.post('/definitions/validate', async (req, res) => {
    await caller(req);
    const { file, content } = parseInput(validateBody, req.body, 'request');
    const parsed = parseDefinition(file, content);
    if (!parsed.ok) {
      throw new InputError(parsed.error.message);
    }
    res.json({ definition: parsed.definition });
  });

  return router;
}
