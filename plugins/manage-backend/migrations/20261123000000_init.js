// @ts-check

/**
 * manage_groups / manage_entities: a mirror of the catalog's org tree and ownership, refreshed on a schedule,
 * so a team summary is a handful of indexed SQL aggregates instead of a catalog crawl.
 * manage_kpi_samples: one value per entity, KPI and month; (entity_ref, kpi, period) is the natural key, so a
 * re-pushed month replaces the old value.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('manage_groups', table => {
    table.string('group_ref').primary();
    table.string('parent_ref').nullable().index();
    table.string('title').notNullable();
    table.string('type').nullable();
  });
  await knex.schema.createTable('manage_entities', table => {
    table.string('entity_ref').primary();
    table.string('kind').notNullable();
    table.string('type').nullable();
    table.string('lifecycle').nullable();
    table.string('title').nullable();
    table.string('owner_ref').notNullable().index();
  });
  await knex.schema.createTable('manage_kpi_samples', table => {
    table.string('entity_ref').notNullable();
    table.string('kpi').notNullable();
    table.string('period', 7).notNullable().comment('calendar month, YYYY-MM');
    table.double('value').notNullable();
    table.string('source').notNullable();
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
    table.primary(['entity_ref', 'kpi', 'period']);
    table.index(['period', 'kpi']);
    // Covers the summary's aggregates (refs → months → values) so they are answered from the index alone.
    table.index(['entity_ref', 'period', 'kpi', 'value'], 'manage_kpi_samples_summary_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('manage_kpi_samples');
  await knex.schema.dropTable('manage_entities');
  await knex.schema.dropTable('manage_groups');
};
