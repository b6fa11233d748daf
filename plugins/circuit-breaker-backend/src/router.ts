import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  CircuitBreakerStatusResponse,
  PluginBreakerStatus,
} from '@internal/plugin-circuit-breaker-common';
import express from 'express';
import Router from 'express-promise-router';
import { CircuitBreakerRegistry } from './services/CircuitBreakerRegistry';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  registry: CircuitBreakerRegistry;
  enabled: boolean;
}

/**
 * What every signed-in user may see of a throttled caller. User refs and service subjects stay: every signed-in user
 * can read the users in the catalog anyway, and operators act on them from the Plugin health page. The address of an
 * unauthenticated caller is personal data nobody else sees in the portal, so it is replaced; operators find it in
 * the backend log ("Caller ip:... throttled on plugin ..."). The count and the kind stay.
 */
export const HIDDEN_ADDRESS = 'ip:(hidden, see the backend log)';

function publicStatus(status: PluginBreakerStatus): PluginBreakerStatus {
  return {
    ...status,
    throttledCallers: status.throttledCallers.map(c =>
      c.caller.startsWith('ip:') ? { ...c, caller: HIDDEN_ADDRESS } : c,
    ),
  };
}

/** Read-only status API; every route stays behind the default auth policy (users and services). */
export async function createRouter({
  httpAuth,
  registry,
  enabled,
}: RouterOptions): Promise<express.Router> {
  const router = Router();

  router.get('/status', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: CircuitBreakerStatusResponse = {
      enabled,
      plugins: registry.list().map(publicStatus),
    };
    res.json(body);
  });

  return router;
}
