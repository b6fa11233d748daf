import { NotificationSendOptions } from '@backstage/plugin-notifications-node';

/** What a team hears about, in the order a migration goes through them. */
export type NotificationEvent = 'started' | 'deadline' | 'overdue';

const STAGES: NotificationEvent[] = ['started', 'deadline', 'overdue'];

/** One notification to a team: the key of its tm_notifications row. */
export interface NotificationKey {
  migrationId: string;
  teamRef: string;
  event: NotificationEvent;
  /** The start date (started) or the target date (deadline, overdue): a moved date is a new event. */
  eventDate: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const daysBetween = (from: string, to: string) =>
  Math.round(
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS,
  );

/**
 * The events of a migration that are due on `today` (YYYY-MM-DD) for a team that still has remaining entities,
 * earliest stage first: `started` from the start date, `deadline` from `daysBeforeDeadline` days before the target
 * through the target day, `overdue` after it. A team that first shows up late (a migration defined after its
 * start, a new entity) has several due at once; it is sent the last one only (see `MigrationNotifier`).
 */
export function dueEvents(options: {
  today: string;
  startDate: string;
  targetDate: string;
  daysBeforeDeadline: number;
}): Array<{ event: NotificationEvent; eventDate: string }> {
  const { today, startDate, targetDate, daysBeforeDeadline } = options;
  if (today < startDate) return [];
  const due: Array<{ event: NotificationEvent; eventDate: string }> = [
    { event: 'started', eventDate: startDate },
  ];
  if (daysBetween(today, targetDate) <= daysBeforeDeadline) {
    due.push({ event: 'deadline', eventDate: targetDate });
  }
  if (today > targetDate) {
    due.push({ event: 'overdue', eventDate: targetDate });
  }
  return due.sort((a, b) => STAGES.indexOf(a.event) - STAGES.indexOf(b.event));
}

/** Names shown in the description; the metadata carries up to MAX_REFS refs. */
const MAX_NAMES = 20;
const MAX_REFS = 100;

/** `component:default/cart` → `cart`; other namespaces and kinds keep enough to be found. */
function shortName(ref: string): string {
  const match = /^component:default\/(.+)$/i.exec(ref);
  return match ? match[1] : ref;
}

/**
 * The notification for one team and event: recipients the team (the notifications plugin resolves its members),
 * a scope unique per migration, event, date and team (so the notifications plugin updates rather than duplicates
 * should the same event ever be sent twice), and the team's remaining entities, count and names.
 */
export function notificationFor(options: {
  key: NotificationKey;
  migrationTitle: string;
  teamTitle: string;
  remaining: string[];
  today: string;
}): NotificationSendOptions {
  const { key, migrationTitle, teamTitle, remaining, today } = options;
  const count = remaining.length;
  const names = remaining.slice(0, MAX_NAMES).map(shortName).join(', ');
  const more = count > MAX_NAMES ? ` and ${count - MAX_NAMES} more` : '';
  const entities = `${count} ${count === 1 ? 'entity' : 'entities'}`;
  const list = `${teamTitle} has ${entities} to migrate: ${names}${more}.`;
  const days = daysBetween(today, key.eventDate);
  let title: string;
  let description: string;
  let severity: 'normal' | 'high' | 'critical';
  switch (key.event) {
    case 'started':
      title = `Migration started: ${migrationTitle}`;
      description = `${list} Started ${key.eventDate}.`;
      severity = 'normal';
      break;
    case 'deadline':
      title = `${migrationTitle} is due ${
        days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`
      }`;
      description = `${list} Target date ${key.eventDate}.`;
      severity = 'high';
      break;
    default:
      title = `${migrationTitle} is overdue`;
      description = `${list} The target date was ${key.eventDate}.`;
      severity = 'critical';
  }
  return {
    recipients: { type: 'entity', entityRef: key.teamRef },
    payload: {
      title,
      description,
      link: `/tech-migrations/${encodeURIComponent(key.migrationId)}`,
      severity,
      topic: 'tech-migrations',
      scope: `tech-migrations:${key.migrationId}:${key.event}:${key.eventDate}:${key.teamRef}`,
      metadata: {
        migrationId: key.migrationId,
        event: key.event,
        eventDate: key.eventDate,
        teamRef: key.teamRef,
        remaining: count,
        entities: remaining.slice(0, MAX_REFS),
      },
    },
  };
}
