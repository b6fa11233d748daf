import { InfoCard } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { ReactNode } from 'react';
import { KpiSourceFreshness } from '@internal/plugin-manage-common';
import { Sparkline, SparklinePoint } from '../Sparkline';
import { TileFreshness } from './TileFreshness';

/** The frame every KPI tile shares: a headline value, a caption, details, how fresh it is and the 12-month trend. */
export function KpiTile(props: {
  title: string;
  value: string;
  caption?: ReactNode;
  children?: ReactNode;
  trend: SparklinePoint[];
  trendLabel: string;
  format?: (value: number) => string;
  /** The sources of the tile's KPIs, for its freshness line. */
  sources?: KpiSourceFreshness[];
}) {
  const { title, value, caption, children, trend, trendLabel, format } = props;
  return (
    <section aria-label={title} style={{ height: '100%' }}>
      <InfoCard title={title} variant="gridItem">
        <Typography variant="h4" component="p" data-testid="kpi-value">
          {value}
        </Typography>
        {caption && (
          <Typography variant="body2" color="textSecondary" component="div">
            {caption}
          </Typography>
        )}
        {children && <Box mt={1}>{children}</Box>}
        {props.sources && (
          <Box mt={1}>
            <TileFreshness sources={props.sources} />
          </Box>
        )}
        <Box mt={1}>
          <Sparkline points={trend} label={trendLabel} format={format} />
        </Box>
      </InfoCard>
    </section>
  );
}
