import { useTheme } from '@material-ui/core/styles';
import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts';

export interface SparklinePoint {
  period: string;
  value: number;
}

/** A small trend chart; `label` describes it for screen readers, since the chart itself is not readable. */
export function Sparkline(props: {
  points: SparklinePoint[];
  label: string;
  format?: (value: number) => string;
}) {
  const theme = useTheme();
  const { points, label, format = String } = props;
  const color = theme.palette.primary.main;
  return (
    <div role="img" aria-label={label} style={{ width: '100%', height: 64 }}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart
          data={points}
          margin={{ top: 4, right: 0, bottom: 0, left: 0 }}
        >
          <XAxis dataKey="period" hide />
          <Tooltip
            formatter={(value: number) => format(value)}
            contentStyle={{
              background: theme.palette.background.paper,
              color: theme.palette.text.primary,
            }}
          />
          <Area
            type="monotone"
            dataKey="value"
            stroke={color}
            fill={color}
            fillOpacity={0.15}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
