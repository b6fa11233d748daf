import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { KpiName, KpiSourceFreshness } from '@internal/plugin-manage-common';
import { Typography } from '@material-ui/core';
import { formatAgo, formatSeconds } from '../format';

/** The sources behind a tile: those providing any of its KPIs. */
export function sourcesOf(
  sources: KpiSourceFreshness[] | undefined,
  kpis: (kpi: KpiName) => boolean,
): KpiSourceFreshness[] {
  return (sources ?? []).filter(s => s.kpis.some(kpis));
}

const oldest = (times: (string | undefined)[]) =>
  times.filter((t): t is string => !!t).sort()[0];

/**
 * How fresh a tile's number is, from the worst of its sources: failed, then stale, then fresh. Said in words next to
 * the status icon (not by colour alone); the number is as fresh as its oldest source.
 */
export function TileFreshness(props: {
  sources: KpiSourceFreshness[];
  now?: Date;
}) {
  const { sources, now } = props;
  if (!sources.length) return null;
  const failed = sources.filter(s => s.state === 'failed');
  const stale = sources.filter(s => s.state === 'stale');
  let status;
  let state: KpiSourceFreshness['state'] = 'fresh';
  if (failed.length) {
    state = 'failed';
    const lastGood = oldest(failed.map(s => s.lastSuccessAt));
    status = (
      <StatusError>
        Source failed: {failed.map(s => s.id).join(', ')}
        {failed[0].lastError && ` (${failed[0].lastError})`}.{' '}
        {lastGood
          ? `Showing its last good data, from ${formatAgo(lastGood, now)}.`
          : 'It has not delivered data yet.'}
      </StatusError>
    );
  } else if (stale.length) {
    state = 'stale';
    const last = oldest(stale.map(s => s.lastSuccessAt));
    status = (
      <StatusWarning>
        Stale: {stale.map(s => s.id).join(', ')}{' '}
        {last ? `last updated ${formatAgo(last, now)}` : 'has not reported yet'}{' '}
        (expected within{' '}
        {formatSeconds(Math.min(...stale.map(s => s.staleAfterSeconds)))}).
      </StatusWarning>
    );
  } else {
    status = (
      <StatusOK>
        Updated {formatAgo(oldest(sources.map(s => s.lastSuccessAt))!, now)}
      </StatusOK>
    );
  }
  return (
    <Typography
      variant="caption"
      component="p"
      data-testid="kpi-freshness"
      data-state={state}
    >
      {status}
    </Typography>
  );
}
