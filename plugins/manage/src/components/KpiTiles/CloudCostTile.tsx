import {
  KpiPeriodTotals,
  KpiSourceFreshness,
} from '@internal/plugin-manage-common';
import { formatChange, formatPeriod, formatUsd } from '../format';
import { KpiTile } from './KpiTile';
import { sourcesOf } from './TileFreshness';

/** Monthly cloud cost of the latest month, with the change against the month before. */
export function CloudCostTile(props: {
  trend: KpiPeriodTotals[];
  sources?: KpiSourceFreshness[];
}) {
  const { trend } = props;
  const latest = trend[trend.length - 1];
  const previous = trend[trend.length - 2];
  const change = formatChange(latest.cloudCost, previous?.cloudCost);
  return (
    <KpiTile
      title="Cloud cost"
      value={formatUsd(latest.cloudCost)}
      caption={
        <>
          {formatPeriod(latest.period)}
          {change && (
            <span data-testid="kpi-change">
              {' '}
              · {change} vs {formatPeriod(previous.period)}
            </span>
          )}
        </>
      }
      sources={sourcesOf(props.sources, k => k === 'cloud-cost')}
      trend={trend.map(t => ({ period: t.period, value: t.cloudCost }))}
      trendLabel={`Cloud cost per month over the last ${trend.length} months`}
      format={formatUsd}
    />
  );
}
