import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { DEFAULT_SEND_CONCURRENCY } from './MigrationNotifier';

export interface NotificationsConfig {
  enabled: boolean;
  daysBeforeDeadline: number;
  /** Sends in flight at once. */
  concurrency: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const KEY = 'techMigrations.notifications';

/**
 * Upper bound of techMigrations.notifications.concurrency: each send is a request the notifications plugin answers
 * with catalog and database work of its own, on a database pool of a few connections.
 */
export const MAX_SEND_CONCURRENCY = 16;

/** `techMigrations.notifications` with its defaults; a bad value stops the backend with the key named. */
export function readNotificationsConfig(config: Config): NotificationsConfig {
  const days = config.getOptionalNumber(`${KEY}.daysBeforeDeadline`) ?? 14;
  if (!Number.isInteger(days) || days < 0 || days > 365) {
    throw new Error(
      `${KEY}.daysBeforeDeadline must be a whole number of days from 0 to 365, got ${days}`,
    );
  }
  const concurrency =
    config.getOptionalNumber(`${KEY}.concurrency`) ?? DEFAULT_SEND_CONCURRENCY;
  if (
    !Number.isInteger(concurrency) ||
    concurrency < 1 ||
    concurrency > MAX_SEND_CONCURRENCY
  ) {
    throw new Error(
      `${KEY}.concurrency must be a whole number from 1 to ${MAX_SEND_CONCURRENCY}, got ${concurrency}`,
    );
  }
  return {
    enabled: config.getOptionalBoolean(`${KEY}.enabled`) ?? true,
    daysBeforeDeadline: days,
    concurrency,
    // After the first evaluation pass (20 s after start), so a fresh replica tells teams about current data.
    schedule: config.has(`${KEY}.schedule`)
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig(`${KEY}.schedule`),
        )
      : {
          frequency: { minutes: 30 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 2 },
        },
  };
}
