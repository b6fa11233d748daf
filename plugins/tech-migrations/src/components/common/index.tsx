import {
  EntityMigrationState,
  MigrationHealth,
} from '@internal/plugin-tech-migrations-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

// Fixed chip colours with WCAG AA contrast against their text in light and dark themes (axe runs in e2e).
const GREEN = { backgroundColor: '#1b5e20', color: '#ffffff' };
const AMBER = { backgroundColor: '#ffcc80', color: '#000000' };
const RED = { backgroundColor: '#b71c1c', color: '#ffffff' };

const useStyles = makeStyles({
  done: GREEN,
  onTrack: GREEN,
  atRisk: AMBER,
  overdue: RED,
  remaining: AMBER,
  exempt: {},
  bar: { flexGrow: 1, height: 8, borderRadius: 4 },
});

export const HEALTH_LABEL: Record<MigrationHealth, string> = {
  done: 'done',
  onTrack: 'on track',
  atRisk: 'at risk',
  overdue: 'overdue',
};

export function HealthChip(props: {
  health: MigrationHealth;
  testId?: string;
}) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={HEALTH_LABEL[props.health]}
      className={classes[props.health]}
      data-testid={props.testId}
    />
  );
}

export function StatusChip(props: {
  status: EntityMigrationState;
  testId?: string;
}) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.status}
      className={classes[props.status]}
      data-testid={props.testId}
    />
  );
}

export function PercentBar(props: { percent: number; testId?: string }) {
  const classes = useStyles();
  return (
    <Box display="flex" alignItems="center" minWidth={140}>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, Math.max(0, props.percent))}
        aria-label={`${formatPercent(props.percent)} done`}
        className={classes.bar}
      />
      <Box ml={1} minWidth={48}>
        <Typography variant="body2" data-testid={props.testId}>
          {formatPercent(props.percent)}
        </Typography>
      </Box>
    </Box>
  );
}

export function formatPercent(percent: number): string {
  return `${Math.round(percent)}%`;
}

/** `group:default/checkout-squad` → `checkout-squad`. */
export function shortRef(ref: string): string {
  return ref.replace(/^[^:]+:default\//, '');
}

export function daysText(days: number): string {
  if (days < 0) return `${-days} days past target`;
  if (days === 0) return 'target is today';
  return `${days} days to target`;
}
