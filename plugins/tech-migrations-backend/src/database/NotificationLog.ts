import { Knex } from 'knex';
import {
  NotificationEvent,
  NotificationKey,
} from '../services/notifications/events';

/** Rows per INSERT: well under the bind-parameter limits of SQLite and PostgreSQL. */
const CHUNK = 500;

/** Keys per sent-mark UPDATE: 4 bind parameters each, well under SQLite's 999 and PostgreSQL's 65535. */
const MARK_CHUNK = 200;

const KEY_COLUMNS = ['migration_id', 'team_ref', 'event', 'event_date'];

export interface ClaimRequest extends NotificationKey {
  /** `pending` to send it, `superseded` when a later event of the team is sent instead. */
  state: 'pending' | 'superseded';
  remaining: number;
}

const keyOf = (k: NotificationKey) =>
  `${k.migrationId}\u0000${k.teamRef}\u0000${k.event}\u0000${k.eventDate}`;

const toKey = (r: any): NotificationKey => ({
  migrationId: r.migration_id,
  teamRef: r.team_ref,
  event: r.event as NotificationEvent,
  eventDate: r.event_date,
});

/**
 * The tm_notifications table: which team was told what. The primary key (migration, team, event, event date) is
 * what makes a notification go out once across replicas and restarts; no lock is needed for it.
 */
export class NotificationLog {
  constructor(private readonly knex: Knex) {}

  /**
   * Keys of the given migrations that are settled: sent, superseded, or claimed by a pass that may still be
   * sending (pending since `staleBefore` or later). A stale pending key is not settled: a pass takes it over.
   */
  async known(
    migrationIds: string[],
    staleBefore: string,
  ): Promise<Set<string>> {
    if (migrationIds.length === 0) return new Set();
    const rows = await this.knex('tm_notifications')
      .select(KEY_COLUMNS)
      .whereIn('migration_id', migrationIds)
      .where(q =>
        q.whereNot('state', 'pending').orWhere('claimed_at', '>=', staleBefore),
      );
    return new Set(rows.map(r => keyOf(toKey(r))));
  }

  /**
   * Claims rows for one pass (`claim`, a fresh token) in one committed transaction, before anything is sent:
   * new keys are inserted (a key another replica inserted first is left alone: ON CONFLICT DO NOTHING), and
   * `pending` rows whose claim is older than `staleBefore` (their pass died between claim and send) are taken over.
   * Returns the pending rows this pass now holds: only their notifications may be sent.
   */
  async claim(options: {
    requests: ClaimRequest[];
    claim: string;
    now: string;
    staleBefore: string;
  }): Promise<NotificationKey[]> {
    const { requests, claim, now, staleBefore } = options;
    return this.knex.transaction(async trx => {
      const rows = requests.map(r => ({
        migration_id: r.migrationId,
        team_ref: r.teamRef,
        event: r.event,
        event_date: r.eventDate,
        state: r.state,
        claim,
        claimed_at: now,
        remaining: r.remaining,
      }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx('tm_notifications')
          .insert(rows.slice(i, i + CHUNK))
          .onConflict(KEY_COLUMNS)
          .ignore();
      }
      // On PostgreSQL a concurrent takeover waits for the other's row lock, then re-checks claimed_at and skips.
      await trx('tm_notifications')
        .where('state', 'pending')
        .where('claimed_at', '<', staleBefore)
        .update({ claim, claimed_at: now });
      const held = await trx('tm_notifications')
        .select(KEY_COLUMNS)
        .where({ claim, state: 'pending' });
      return held.map(toKey);
    });
  }

  /**
   * These notifications went out: one UPDATE per MARK_CHUNK keys (a pass marks its sends in batches rather than a
   * statement per send). Only rows still pending under `claim` change.
   */
  async markSent(keys: NotificationKey[], claim: string, now: string) {
    for (let i = 0; i < keys.length; i += MARK_CHUNK) {
      await this.knex('tm_notifications')
        .whereIn(
          KEY_COLUMNS,
          keys
            .slice(i, i + MARK_CHUNK)
            .map(k => [k.migrationId, k.teamRef, k.event, k.eventDate]),
        )
        .where({ claim, state: 'pending' })
        .update({ state: 'sent', sent_at: now });
    }
  }

  /**
   * Gives a claim back (the send failed, or the event is no longer due): the row goes, so a later pass may claim
   * and send it again.
   */
  async release(key: NotificationKey, claim: string) {
    await this.where(key, claim).delete();
  }

  private where(key: NotificationKey, claim: string) {
    return this.knex('tm_notifications').where({
      migration_id: key.migrationId,
      team_ref: key.teamRef,
      event: key.event,
      event_date: key.eventDate,
      claim,
      state: 'pending',
    });
  }
}

export { keyOf as notificationKeyOf };
