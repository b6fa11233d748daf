import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  entityRefSchema,
  EntityMigrationsResponse,
  factsPushSchema,
  FactsPushResponse,
  formatZodIssues,
  groupRefSchema,
  MigrationEntitiesResponse,
  MigrationListResponse,
} from '@internal/plugin-tech-migrations-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseDefinition } from './definitions';
import { MigrationService } from './MigrationService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  service: MigrationService;
  /** Entities as the caller may see them (catalog on behalf of the caller), in the order of `refs`. */
  lookupEntities: (
    refs: string[],
    credentials: BackstageCredentials,
  ) => Promise<Array<Entity | undefined>>;
}

/** Parses with zod and throws an InputError naming the fields (rendered as 400 by the error middleware). */
function parseInput<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${formatZodIssues(result.error)}`);
  }
  return result.data;
}

const statusQuery = z.enum(['done', 'remaining', 'exempt']).optional();
const validateBody = z
  .object({ file: z.string().min(1), content: z.string() })
  .strict();

/** HTTP API under /api/tech-migrations; every route needs user or service credentials. */
export async function createRouter({
  httpAuth,
  service,
  lookupEntities,
}: RouterOptions): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '2mb' }));

  const caller = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

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
    res.json({ migration: await service.getSummary(req.params.id) });
  });

  router.get('/migrations/:id/leaderboard', async (req, res) => {
    await caller(req);
    res.json(await service.leaderboard(req.params.id));
  });

  router.get('/migrations/:id/burnup', async (req, res) => {
    await caller(req);
    const team =
      typeof req.query.team === 'string'
        ? parseInput(groupRefSchema, req.query.team, 'team')
        : undefined;
    res.json(await service.burnup(req.params.id, team));
  });

  router.get('/migrations/:id/entities', async (req, res) => {
    await caller(req);
    const status = parseInput(statusQuery, req.query.status, 'status');
    const body: MigrationEntitiesResponse = {
      entities: await service.entities(req.params.id, status),
    };
    res.json(body);
  });

  router.get('/entity', async (req, res) => {
    await caller(req);
    const entityRef = parseInput(
      entityRefSchema,
      req.query.entityRef,
      'entityRef',
    );
    const body: EntityMigrationsResponse = {
      items: await service.entityItems(entityRef),
    };
    res.json(body);
  });

  router.get('/team-items', async (req, res) => {
    await caller(req);
    const groupRef = parseInput(groupRefSchema, req.query.groupRef, 'groupRef');
    const body: EntityMigrationsResponse = {
      items: await service.teamItems(groupRef),
    };
    res.json(body);
  });

  /** CI pushes facts per entity; all-or-nothing, then those entities are re-evaluated. */
  router.post('/facts', async (req, res) => {
    const credentials = await caller(req);
    const request = parseInput(factsPushSchema, req.body, 'facts payload');
    const principal = credentials.principal as {
      userEntityRef?: string;
      subject?: string;
    };
    const result = await service.pushFacts(
      request,
      principal.userEntityRef ?? principal.subject ?? 'unknown',
      refs => lookupEntities(refs, credentials),
    );
    const body: FactsPushResponse = result;
    res.json(body);
  });

  /** Runs a full evaluation pass now (the schedule runs it too). */
  router.post('/evaluate', async (req, res) => {
    await caller(req);
    res.json(await service.evaluateAll());
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
