import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

export interface NotificationsConfig {
  enabled: boolean;
  daysBeforeDeadline: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const KEY = 'techMigrations.notifications';

/** `techMigrations.notifications` with its defaults; a bad value stops the backend with the key named. */
export function readNotificationsConfig(config: Config): NotificationsConfig {
  const days = config.getOptionalNumber(`${KEY}.daysBeforeDeadline`) ?? 14;
  if (!Number.isInteger(days) || days < 0 || days > 365) {
    throw new Error(
      `${KEY}.daysBeforeDeadline must be a whole number of days from 0 to 365, got ${days}`,
    );
  }
  return {
    enabled: config.getOptionalBoolean(`${KEY}.enabled`) ?? true,
    daysBeforeDeadline: days,
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
