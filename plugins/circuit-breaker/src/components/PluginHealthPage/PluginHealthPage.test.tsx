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
  minFailingCallers: 3,
};
const stats = {
  requests: 12,
  successes: 2,
  failures: 7,
  timeouts: 0,
  rejects: 3,
  throttled: 0,
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
          stats: { ...stats, failures: 0, rejects: 0, throttled: 41 },
          throttledCallers: [
            {
              caller: 'user:default/mallory',
              kind: 'user',
              failures: 10,
              until: new Date(Date.now() + 30_000).toISOString(),
            },
          ],
          throttledCount: 1,
        },
        {
          pluginId: 'search',
          state: 'open',
          settings,
          stats,
          lastStateChange: new Date().toISOString(),
          openReason: {
            kind: 'outageConfirmed',
            failingCallers: 4,
            activeCallers: 5,
            at: new Date().toISOString(),
          },
          throttledCallers: [],
          throttledCount: 0,
        },
        {
          pluginId: 'proxy',
          state: 'disabled',
          settings,
          stats: { ...stats, requests: 0 },
          throttledCallers: [],
          throttledCount: 0,
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
    // Why: an outage confirmed by many callers vs. one caller throttled while the plugin serves everyone else.
    expect(screen.getByTestId('why-search')).toHaveTextContent(
      'Outage confirmed: 4 of 5 callers failing',
    );
    expect(screen.getByTestId('why-catalog')).toHaveTextContent(
      '1 caller throttled (429): user:default/mallory',
    );
    expect(
      screen.getByTestId('state-catalog').closest('tr')!,
    ).toHaveTextContent('41');
    expect(screen.getByTestId('why-proxy')).toHaveTextContent('—');
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
