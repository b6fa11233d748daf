import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { CircuitBreakerStatusResponse } from '@internal/plugin-circuit-breaker-common';

/**
 * Reads the breakers' status from `GET /api/circuit-breaker/status`.
 *
 * @public
 */
export interface CircuitBreakerApi {
  getStatus(): Promise<CircuitBreakerStatusResponse>;
}

/** @public */
export const circuitBreakerApiRef = createApiRef<CircuitBreakerApi>({
  id: 'plugin.circuit-breaker.api',
});

export class CircuitBreakerClient implements CircuitBreakerApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getStatus(): Promise<CircuitBreakerStatusResponse> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('circuit-breaker');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}/status`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
