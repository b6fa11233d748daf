// @ts-check

/**
 * manage_kpi_sources: how each KPI source (a provider, a sample file, a CI caller pushing) last did, shared by every
 * replica and kept across restarts, so a tile can say how fresh its number is and that its source failed. One row
 * per source id (the samples' `source`); a run's success is written in the same transaction as its samples.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('manage_kpi_sources', table => {
    table.string('source_id').primary();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table.timestamp('last_error_at', { useTz: true }).nullable();
    table.text('last_error').nullable().comment('the error message only');
    table
      .integer('sample_count')
      .notNullable()
      .defaultTo(0)
      .comment('samples stored by the last successful run or push');
    table
      .text('kpis')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array of the KPI names the source has stored');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('manage_kpi_sources');
};
