import { EmptyState } from '@backstage/core-components';
import {
  KpiPeriodTotals,
  KpiSourceFreshness,
} from '@internal/plugin-manage-common';
import { Grid } from '@material-ui/core';
import { CloudCostTile } from './CloudCostTile';
import { IncidentTile } from './IncidentTile';
import { SecurityTile } from './SecurityTile';

/** The team's KPI tiles, from its monthly totals (oldest first), each with how fresh its sources are. */
export function KpiTiles(props: {
  trend: KpiPeriodTotals[];
  sources?: KpiSourceFreshness[];
}) {
  const { trend, sources } = props;
  if (!trend.length) {
    return (
      <EmptyState
        missing="data"
        title="No KPI data for this team yet"
        description="KPIs appear once a provider or a CI job reports samples for what the team owns (POST /api/manage/kpis)."
      />
    );
  }
  return (
    <Grid container spacing={2} alignItems="stretch">
      <Grid item xs={12} md={4}>
        <CloudCostTile trend={trend} sources={sources} />
      </Grid>
      <Grid item xs={12} md={4}>
        <IncidentTile trend={trend} sources={sources} />
      </Grid>
      <Grid item xs={12} md={4}>
        <SecurityTile trend={trend} sources={sources} />
      </Grid>
    </Grid>
  );
}
