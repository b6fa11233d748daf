import {
  Content,
  ContentHeader,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  BreakerState,
  PluginBreakerStatus,
} from '@internal/plugin-circuit-breaker-common';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { circuitBreakerApiRef } from '../../api';

const REFRESH_MS = 5_000;

const stateLabels: Record<BreakerState, JSX.Element> = {
  closed: <StatusOK>closed</StatusOK>,
  halfOpen: <StatusWarning>half-open</StatusWarning>,
  open: <StatusError>open</StatusError>,
  disabled: <StatusAborted>exempt</StatusAborted>,
};

const ms = (value: number) => `${Math.round(value)} ms`;

/**
 * Why a plugin is not simply serving everyone: its breaker opened because many callers saw failures (the plugin
 * is down), and/or some callers are throttled because their own requests keep failing (the plugin is up for
 * everyone else).
 */
export function whyText(row: PluginBreakerStatus): string {
  const reasons: string[] = [];
  if (row.state !== 'closed' && row.openReason) {
    const { failingCallers, activeCallers } = row.openReason;
    reasons.push(
      `Outage confirmed: ${failingCallers} of ${activeCallers} callers failing`,
    );
  }
  if (row.throttledCount > 0) {
    const names = row.throttledCallers.map(c => c.caller).slice(0, 3);
    const more = row.throttledCount - names.length;
    reasons.push(
      `${row.throttledCount} caller${
        row.throttledCount === 1 ? '' : 's'
      } throttled (429): ${names.join(', ')}${
        more > 0 ? ` and ${more} more` : ''
      }`,
    );
  }
  return reasons.join('; ') || '—';
}

const columns: TableColumn<PluginBreakerStatus>[] = [
  {
    title: 'Plugin',
    field: 'pluginId',
    highlight: true,
    cellStyle: { whiteSpace: 'nowrap' },
  },
  {
    title: 'State',
    field: 'state',
    cellStyle: { whiteSpace: 'nowrap' },
    render: row => (
      <span data-testid={`state-${row.pluginId}`}>
        {stateLabels[row.state]}
      </span>
    ),
  },
  {
    title: 'Why',
    render: row => (
      <span data-testid={`why-${row.pluginId}`}>{whyText(row)}</span>
    ),
  },
  { title: 'Requests', field: 'stats.requests', type: 'numeric' },
  { title: 'Successes', field: 'stats.successes', type: 'numeric' },
  { title: 'Failures', field: 'stats.failures', type: 'numeric' },
  { title: 'Timeouts', field: 'stats.timeouts', type: 'numeric' },
  { title: 'Rejected (503)', field: 'stats.rejects', type: 'numeric' },
  { title: 'Throttled (429)', field: 'stats.throttled', type: 'numeric' },
  {
    title: 'p50',
    field: 'stats.latencyP50',
    type: 'numeric',
    render: row => ms(row.stats.latencyP50),
  },
  {
    title: 'p95',
    field: 'stats.latencyP95',
    type: 'numeric',
    render: row => ms(row.stats.latencyP95),
  },
  {
    title: 'Last change',
    field: 'lastStateChange',
    render: row =>
      row.lastStateChange
        ? new Date(row.lastStateChange).toLocaleTimeString()
        : '—',
  },
];

/** Lists every backend plugin's circuit breaker, refreshed every few seconds. */
export const PluginHealthPage = () => {
  const api = useApi(circuitBreakerApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getStatus(),
    [api],
  );
  useInterval(retry, REFRESH_MS);

  let body: JSX.Element;
  if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    body = loading ? <Progress /> : <></>;
  } else {
    body = (
      <>
        {!value.enabled && (
          <Typography paragraph>
            Circuit breakers are switched off (backend.circuitBreaker.enabled:
            false).
          </Typography>
        )}
        <Table<PluginBreakerStatus>
          title="Backend plugins"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={value.plugins}
        />
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Plugin health"
        subtitle="Circuit breakers of this backend instance (each replica has its own)"
      />
      <Content>
        <ContentHeader title="">
          <SupportButton>
            A plugin whose responses fail (status 500 or above) for many
            different callers is cut off: its API answers 503 until a trial
            request succeeds (outage confirmed). A single caller whose own
            requests keep failing is throttled instead: 429 for that caller
            only, everyone else is served. Slow responses are counted as
            timeouts but only fail when they end in an error. Counters cover the
            rolling window.
          </SupportButton>
        </ContentHeader>
        {body}
      </Content>
    </Page>
  );
};
