// @ts-check

/**
 * Tables of the tech-migrations plugin. Percentages and leaderboards are GROUP BY queries over tm_entity_status;
 * tm_snapshots keeps one row per migration, day and team for the burn-up.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tm_migrations', table => {
    table.comment('Valid migration definitions from the last evaluation pass');
    table.string('id', 63).primary();
    table.string('title').notNullable();
    table.string('file').notNullable();
    table.string('start_date', 10).notNullable();
    table.string('target_date', 10).notNullable();
    table
      .text('definition')
      .notNullable()
      .comment('The validated definition as JSON');
    table
      .string('evaluated_at')
      .nullable()
      .comment('ISO timestamp of the last evaluation');
  });
  await knex.schema.createTable('tm_teams', table => {
    table.comment(
      'Groups of the catalog: squads with their tribe (spec.parent)',
    );
    table.string('team_ref').primary();
    table.string('title').notNullable();
    table.string('parent_ref').nullable();
    table.string('type').nullable();
  });
  await knex.schema.createTable('tm_entity_status', table => {
    table.comment('Per entity and migration: done, remaining or exempt');
    table.string('migration_id', 63).notNullable();
    table.string('entity_ref').notNullable();
    table.string('owner_ref').notNullable();
    table.string('tribe_ref').notNullable();
    table.string('status', 16).notNullable();
    table.text('detail').nullable();
    table.primary(['migration_id', 'entity_ref']);
    table.index(
      ['migration_id', 'tribe_ref', 'owner_ref'],
      'tm_entity_status_team_idx',
    );
    table.index(['entity_ref'], 'tm_entity_status_entity_idx');
    table.index(['owner_ref', 'status'], 'tm_entity_status_owner_idx');
    table.index(['tribe_ref', 'status'], 'tm_entity_status_tribe_idx');
  });
  await knex.schema.createTable('tm_facts', table => {
    table.comment('Facts pushed by CI through POST /facts');
    table.string('entity_ref').notNullable();
    table.string('name', 128).notNullable();
    table.text('value').notNullable().comment('JSON-encoded value');
    table.string('updated_at').notNullable();
    table.string('updated_by').nullable();
    table.primary(['entity_ref', 'name']);
  });
  await knex.schema.createTable('tm_snapshots', table => {
    table.comment('Daily counts per migration and team (burn-up history)');
    table.string('migration_id', 63).notNullable();
    table.string('day', 10).notNullable();
    table.string('team_ref').notNullable();
    table.string('tribe_ref').notNullable();
    table.integer('done').notNullable();
    table.integer('remaining').notNullable();
    table.integer('exempt').notNullable();
    table.primary(['migration_id', 'day', 'team_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('tm_snapshots');
  await knex.schema.dropTable('tm_facts');
  await knex.schema.dropTable('tm_entity_status');
  await knex.schema.dropTable('tm_teams');
  await knex.schema.dropTable('tm_migrations');
};
