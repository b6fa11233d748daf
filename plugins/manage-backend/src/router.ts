import {
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  groupRefSchema,
  manageKpiWritePermission,
} from '@internal/plugin-manage-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import { fromZodError } from 'zod-validation-error';
import { KpiIngestion } from './services/KpiIngestion';
import { TeamSummaryService } from './services/TeamSummaryService';
import { ServerTiming } from './services/ServerTiming';

export interface RouterOptions {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  ingestion: KpiIngestion;
  summaries: TeamSummaryService;
}

/** HTTP API of the manage plugin, mounted at /api/manage; errors go to the standard error middleware. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { auth, httpAuth, permissions, ingestion, summaries } = options;
  const router = Router();
  router.use(express.json({ limit: '5mb' }));

  // `groupRef` is URL-encoded, e.g. group%3Adefault%2Fcheckout-squad.
  router.get('/teams/:groupRef/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    // Checked here, before any lookup: a NUL byte or a ref longer than the column is a 500 from PostgreSQL.
    const groupRef = groupRefSchema.safeParse(req.params.groupRef);
    if (!groupRef.success) {
      throw new InputError(
        fromZodError(groupRef.error, { prefix: 'Invalid team ref' }).message,
      );
    }
    const timing = new ServerTiming();
    const summary = await summaries.getSummary(
      groupRef.data,
      credentials,
      timing,
    );
    // Lets the benchmark and browser dev tools read where the server time goes.
    res.setHeader('Server-Timing', timing.header());
    res.json(summary);
  });

  // For CI jobs and scripts: a batch of samples, validated whole and stored all-or-nothing. The policy decides for
  // users (admins only); a service principal (the CI token) is decided by its access restrictions.
  router.post('/kpis', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: manageKpiWritePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Writing KPIs is not allowed');
    }
    let source = 'push:unknown';
    if (auth.isPrincipal(credentials, 'user')) {
      source = `push:${credentials.principal.userEntityRef}`;
    } else if (auth.isPrincipal(credentials, 'service')) {
      source = `push:${credentials.principal.subject}`;
    }
    res.status(201).json(await ingestion.ingest(req.body, source));
  });

  return router;
}
