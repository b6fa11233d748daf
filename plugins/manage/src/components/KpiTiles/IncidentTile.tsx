import {
  KpiPeriodTotals,
  KpiSourceFreshness,
} from '@internal/plugin-manage-common';
import { formatMinutes, formatPeriod, perWeek } from '../format';
import { KpiTile } from './KpiTile';
import { sourcesOf } from './TileFreshness';

/** Incidents per week in the latest month, and the mean time to resolve them (MTTR). */
export function IncidentTile(props: {
  trend: KpiPeriodTotals[];
  sources?: KpiSourceFreshness[];
}) {
  const { trend } = props;
  const latest = trend[trend.length - 1];
  const rate = perWeek(latest.incidents, latest.period);
  const mttr = latest.incidents
    ? formatMinutes(latest.incidentRepairMinutes / latest.incidents)
    : undefined;
  return (
    <KpiTile
      title="Incident rate"
      value={`${rate.toFixed(1)} / week`}
      caption={
        <>
          {formatPeriod(latest.period)} · {latest.incidents} incidents
          {mttr && <span data-testid="kpi-mttr"> · MTTR {mttr}</span>}
        </>
      }
      sources={sourcesOf(
        props.sources,
        k => k === 'incidents' || k === 'incident-repair-minutes',
      )}
      trend={trend.map(t => ({
        period: t.period,
        value: Number(perWeek(t.incidents, t.period).toFixed(2)),
      }))}
      trendLabel={`Incidents per week over the last ${trend.length} months`}
    />
  );
}
