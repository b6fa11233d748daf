import {
  KpiPeriodTotals,
  KpiSourceFreshness,
  SECURITY_SEVERITIES,
} from '@internal/plugin-manage-common';
import { Chip } from '@material-ui/core';
import { formatPeriod } from '../format';
import { KpiTile } from './KpiTile';
import { sourcesOf } from './TileFreshness';

const total = (t: KpiPeriodTotals) =>
  SECURITY_SEVERITIES.reduce((sum, s) => sum + t.securityIssues[s], 0);

/** Open security issues at the end of the latest month, by severity. */
export function SecurityTile(props: {
  trend: KpiPeriodTotals[];
  sources?: KpiSourceFreshness[];
}) {
  const { trend } = props;
  const latest = trend[trend.length - 1];
  return (
    <KpiTile
      title="Security issues"
      value={`${total(latest)} open`}
      caption={formatPeriod(latest.period)}
      sources={sourcesOf(props.sources, k => k.startsWith('security-issues-'))}
      trend={trend.map(t => ({ period: t.period, value: total(t) }))}
      trendLabel={`Open security issues over the last ${trend.length} months`}
    >
      {SECURITY_SEVERITIES.map(severity => (
        <Chip
          key={severity}
          size="small"
          variant="outlined"
          color={
            severity === 'critical' && latest.securityIssues.critical
              ? 'secondary'
              : 'default'
          }
          label={`${severity} ${latest.securityIssues[severity]}`}
        />
      ))}
    </KpiTile>
  );
}
