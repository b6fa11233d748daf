import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { OrgModelService } from '@internal/plugin-org-model-node';
import { randomUUID } from 'crypto';
import { MigrationStore } from '../../database/MigrationStore';
import {
  ClaimRequest,
  NotificationLog,
  notificationKeyOf,
} from '../../database/NotificationLog';
import { UNOWNED } from '../evaluate';
import { dayOf } from '../MigrationService';
import { dueEvents, NotificationKey, notificationFor } from './events';

/** What a notification pass did. */
export interface NotificationRunResult {
  /** Notifications sent by this pass. */
  sent: number;
  /** Sends that failed; their claims were given back, so a later pass tries again. */
  failed: number;
  /** Earlier events recorded as told because the team was sent a later one instead. */
  superseded: number;
  durationMs: number;
}

/**
 * How long a claimed but unconfirmed notification stays with the pass that claimed it. After that a pass takes it
 * over and sends it (the claiming pass died between claim and confirmation). Far above a pass's duration and the
 * task's timeout, so a live pass is never taken over.
 */
export const CLAIM_LEASE_MS = 30 * 60 * 1000;

/** Sends in flight at once unless configured (techMigrations.notifications.concurrency). */
export const DEFAULT_SEND_CONCURRENCY = 8;

/**
 * Sent notifications are marked in batches of this many (one UPDATE each) rather than a statement per send. A pass
 * that dies leaves at most this many sent-but-unmarked rows per worker; they are sent again after the lease, and the
 * notification's scope makes that an update of the first one, not a second notification.
 */
export const MARK_BATCH = 50;

/**
 * Tells owning teams about their migrations through Backstage notifications: when a migration starts, some days
 * before its target, and when it is overdue, each once per team and event.
 *
 * Once-only: the keys to send are claimed in tm_notifications (a committed transaction, unique key) before
 * anything is sent, so of two replicas (or a replica and its restarted self) exactly one holds a key and sends.
 * The sent mark follows the send. Delivery is at-least-once: a failed send gives its claim back for the next
 * pass, and a pass that dies after claiming leaves `pending` rows that a pass takes over after CLAIM_LEASE_MS.
 * Sends run a few at a time (`concurrency`); sent marks are written in batches (MARK_BATCH). Only a death between
 * the send and its (batched) sent mark sends twice; the notification's scope (one per migration,
 * event, date and team) makes the notifications plugin update the first one instead of adding a second.
 */
export class MigrationNotifier {
  private running: Promise<NotificationRunResult> | undefined;

  constructor(
    private readonly options: {
      store: MigrationStore;
      log: NotificationLog;
      notifications: NotificationService;
      org: OrgModelService;
      logger: LoggerService;
      daysBeforeDeadline: number;
      /** Sends in flight at once (each one is an HTTP request to the notifications plugin). */
      concurrency?: number;
      now?: () => Date;
    },
  ) {}

  /** One pass over the stored evaluation; concurrent triggers on this replica share it. */
  async run(): Promise<NotificationRunResult> {
    if (!this.running) {
      this.running = this.doRun().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async doRun(): Promise<NotificationRunResult> {
    const started = Date.now();
    const { store, log, logger, daysBeforeDeadline } = this.options;
    const now = this.options.now?.() ?? new Date();
    const today = dayOf(now);
    const staleBefore = new Date(now.getTime() - CLAIM_LEASE_MS).toISOString();
    const [migrations, remaining, org] = await Promise.all([
      store.listMigrations(),
      store.remainingByOwner(),
      this.options.org.current(),
    ]);
    const known = await log.known(
      migrations.map(m => m.id),
      staleBefore,
    );

    // Per team with remaining entities: the latest due event, unless it was claimed already. Earlier events the
    // team never heard of are recorded as superseded, so a moved target does not announce the start again.
    const requests: ClaimRequest[] = [];
    const toSend = new Map<
      string,
      { key: NotificationKey; title: string; refs: string[] }
    >();
    for (const m of migrations) {
      const due = dueEvents({
        today,
        startDate: m.startDate,
        targetDate: m.targetDate,
        daysBeforeDeadline,
      });
      if (due.length === 0) continue;
      for (const [teamRef, refs] of remaining.get(m.id) ?? []) {
        if (teamRef === UNOWNED) continue; // nobody to tell
        const keys = due.map(d => ({ migrationId: m.id, teamRef, ...d }));
        const last = keys[keys.length - 1];
        if (known.has(notificationKeyOf(last))) continue;
        for (const key of keys) {
          if (key === last) {
            requests.push({ ...key, state: 'pending', remaining: refs.length });
            toSend.set(notificationKeyOf(key), { key, title: m.title, refs });
          } else if (!known.has(notificationKeyOf(key))) {
            requests.push({
              ...key,
              state: 'superseded',
              remaining: refs.length,
            });
          }
        }
      }
    }

    const claim = randomUUID();
    const held = await log.claim({
      requests,
      claim,
      now: now.toISOString(),
      staleBefore,
    });

    let sent = 0;
    let failed = 0;
    // Sent keys not yet marked; flushed in order, one UPDATE per batch.
    let unmarked: NotificationKey[] = [];
    let marking: Promise<void> = Promise.resolve();
    const flushMarks = () => {
      const batch = unmarked;
      unmarked = [];
      marking = marking.then(() =>
        batch.length
          ? log.markSent(batch, claim, new Date().toISOString())
          : undefined,
      );
      return marking;
    };
    await inParallel(
      held,
      this.options.concurrency ?? DEFAULT_SEND_CONCURRENCY,
      async key => {
        const item = toSend.get(notificationKeyOf(key));
        if (!item) {
          // A stale claim taken over whose event is no longer due (the team finished, the target moved).
          await log.release(key, claim);
          return;
        }
        try {
          await this.options.notifications.send(
            notificationFor({
              key,
              migrationTitle: item.title,
              teamTitle: org.titleOf(key.teamRef),
              remaining: item.refs,
              today,
            }),
          );
        } catch (error) {
          failed++;
          logger.warn(
            `Notification ${key.event} of ${key.migrationId} to ${key.teamRef} not sent, will retry: ${error}`,
          );
          await log.release(key, claim);
          return;
        }
        sent++;
        unmarked.push(key);
        if (unmarked.length >= MARK_BATCH) await flushMarks();
      },
    );
    await flushMarks();

    const result = {
      sent,
      failed,
      superseded: requests.filter(r => r.state === 'superseded').length,
      durationMs: Date.now() - started,
    };
    logger.info(
      `Migration notifications: ${sent} sent, ${failed} failed, ${result.superseded} superseded in ${result.durationMs} ms`,
    );
    return result;
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inParallel<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await fn(items[next++]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}
