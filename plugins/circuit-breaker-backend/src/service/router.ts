import { HttpAuthService } from '@backstage/backend-plugin-api';
import { CircuitBreakerStatusResponse } from '@internal/plugin-circuit-breaker-common';
import express from 'express';
import Router from 'express-promise-router';
import { CircuitBreakerRegistry } from '../services/CircuitBreakerRegistry';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  registry: CircuitBreakerRegistry;
  enabled: boolean;
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
      plugins: registry.list(),
    };
    res.json(body);
  });

  return router;
}
