import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { CircuitBreakerStatusResponse } from '@internal/plugin-circuit-breaker-common';
import { CircuitBreakerApi, circuitBreakerApiRef } from '../../api';
import { PluginHealthPage } from './PluginHealthPage';

const settings = {
  timeout: 10000,
  errorThresholdPercentage: 50,
  resetTimeout: 30000,
  volumeThreshold: 10,
  rollingCountTimeout: 10000,
};
const stats = {
  requests: 12,
  successes: 2,
  failures: 7,
  timeouts: 0,
  rejects: 3,
  latencyP50: 4,
  latencyP95: 19,
};

function renderWith(api: CircuitBreakerApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[circuitBreakerApiRef, api]]}>
      <PluginHealthPage />
    </TestApiProvider>,
  );
}

describe('PluginHealthPage', () => {
  it('lists every plugin with its state and counters', async () => {
    const status: CircuitBreakerStatusResponse = {
      enabled: true,
      plugins: [
        {
          pluginId: 'catalog',
          state: 'closed',
          settings,
          stats: { ...stats, failures: 0, rejects: 0 },
        },
        {
          pluginId: 'search',
          state: 'open',
          settings,
          stats,
          lastStateChange: new Date().toISOString(),
        },
        {
          pluginId: 'proxy',
          state: 'disabled',
          settings,
          stats: { ...stats, requests: 0 },
        },
      ],
    };
    await renderWith({ getStatus: async () => status });

    expect(await screen.findByText('Plugin health')).toBeInTheDocument();
    expect(screen.getByTestId('state-catalog')).toHaveTextContent('closed');
    expect(screen.getByTestId('state-search')).toHaveTextContent('open');
    expect(screen.getByTestId('state-proxy')).toHaveTextContent('exempt');
    const searchRow = screen.getByTestId('state-search').closest('tr')!;
    expect(searchRow).toHaveTextContent('19 ms');
    expect(searchRow).toHaveTextContent('7');
  });

  it('shows the error when the status cannot be read', async () => {
    await renderWith({
      getStatus: async () => {
        throw new Error('status unavailable');
      },
    });
    expect(
      (await screen.findAllByText(/status unavailable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText('Backend plugins')).not.toBeInTheDocument();
  });
});
