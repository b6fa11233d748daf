import { BurnupResponse } from '@internal/plugin-tech-migrations-common';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const ts = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fmt = (value: number) => new Date(value).toISOString().slice(0, 10);

/**
 * Burn-up: entities done per day (daily snapshots) against the scope, with the target date marked and the pace
 * needed (start → target) for comparison. `width` fixes the size (tests); otherwise it fills its container.
 */
export function BurnupChart(props: {
  burnup: BurnupResponse;
  width?: number;
  height?: number;
}) {
  const theme = useTheme();
  const { burnup } = props;
  const height = props.height ?? 300;
  const data = burnup.points.map(p => ({
    ts: ts(p.day),
    done: p.done,
    scope: p.done + p.remaining,
  }));
  const latest = burnup.points[burnup.points.length - 1];
  const start = ts(burnup.startDate);
  const target = ts(burnup.targetDate);
  const pace = latest
    ? [
        { ts: start, pace: 0 },
        { ts: target, pace: latest.done + latest.remaining },
      ]
    : [];
  const first = data.length ? Math.min(start, data[0].ts) : start;
  const last = data.length
    ? Math.max(target, data[data.length - 1].ts)
    : target;

  const chart = (
    <LineChart
      width={props.width}
      height={height}
      data={data}
      margin={{ top: 16, right: 24, bottom: 8, left: 0 }}
    >
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis
        dataKey="ts"
        type="number"
        scale="time"
        domain={[first, last]}
        tickFormatter={fmt}
        allowDuplicatedCategory={false}
      />
      <YAxis allowDecimals={false} />
      <Tooltip labelFormatter={v => fmt(Number(v))} />
      <Legend />
      <Line
        type="stepAfter"
        dataKey="scope"
        name="In scope (excl. exempt)"
        stroke={theme.palette.text.secondary}
        dot={false}
        isAnimationActive={false}
      />
      <Line
        type="monotone"
        dataKey="done"
        name="Done"
        stroke={theme.palette.primary.main}
        strokeWidth={2}
        isAnimationActive={false}
      />
      <Line
        data={pace}
        dataKey="pace"
        name="Pace to target"
        stroke={theme.palette.text.disabled}
        strokeDasharray="5 5"
        dot={false}
        isAnimationActive={false}
      />
      <ReferenceLine
        x={target}
        stroke={theme.palette.error.main}
        label={{
          value: `Target ${burnup.targetDate}`,
          position: 'insideTopRight',
        }}
      />
    </LineChart>
  );

  return (
    <figure
      style={{ margin: 0 }}
      aria-label="Burn-up chart"
      data-testid="burnup"
    >
      {props.width ? (
        chart
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          {chart}
        </ResponsiveContainer>
      )}
      <Typography
        component="figcaption"
        variant="body2"
        color="textSecondary"
        data-testid="burnup-caption"
      >
        {latest
          ? `${burnup.points.length} day${
              burnup.points.length === 1 ? '' : 's'
            } of history; on ${latest.day}: ${latest.done} of ${
              latest.done + latest.remaining
            } done (${latest.exempt} exempt), target ${burnup.targetDate}`
          : 'No history yet: the first evaluation writes the first point.'}
      </Typography>
    </figure>
  );
}
