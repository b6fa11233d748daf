// @ts-check

/**
 * tm_notifications: one row per migration, owning team, event and the date the event is about (the start date for
 * `started`, the target date for `deadline` and `overdue`, so a moved target is a new event). The primary key is
 * the once-only guarantee: a replica claims a row (INSERT ... ON CONFLICT DO NOTHING) in a committed transaction
 * before it sends, and only the replica whose claim token is on the row sends.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tm_notifications', table => {
    table.comment(
      'Owner notifications claimed or sent, once per team and event',
    );
    table.string('migration_id', 63).notNullable();
    table.string('team_ref').notNullable();
    table
      .string('event', 16)
      .notNullable()
      .comment('started | deadline | overdue');
    table
      .string('event_date', 10)
      .notNullable()
      .comment('start date (started) or target date (deadline, overdue)');
    table
      .string('state', 16)
      .notNullable()
      .comment(
        'pending (claimed, not yet confirmed sent) | sent | superseded (a later event was sent instead)',
      );
    table
      .string('claim', 36)
      .notNullable()
      .comment('token of the pass that claimed the row');
    table.string('claimed_at', 24).notNullable();
    table.string('sent_at', 24).nullable();
    table.integer('remaining').notNullable().comment('entities listed');
    table.primary(['migration_id', 'team_ref', 'event', 'event_date']);
    table.index(['state', 'claimed_at'], 'tm_notifications_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('tm_notifications');
};
