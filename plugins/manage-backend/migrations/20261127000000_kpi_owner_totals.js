// @ts-check

/**
 * manage_kpi_owner_totals: each owning group's KPI total per month (the sum of its mirrored entities' samples), so a
 * team summary whose caller may see every owned entity sums a few rows per owner instead of every entity's samples.
 * Kept in step in the same transaction as the sample upserts and the mirror replacement; derived data, rebuilt
 * here from what is stored.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('manage_kpi_owner_totals', table => {
    table.string('owner_ref').notNullable();
    table.string('kpi').notNullable();
    table.string('period', 7).notNullable().comment('calendar month, YYYY-MM');
    table.double('total').notNullable();
    table.primary(['owner_ref', 'period', 'kpi']);
  });
  await knex
    .insert(
      knex('manage_kpi_samples as s')
        .join('manage_entities as e', 'e.entity_ref', 's.entity_ref')
        .select('e.owner_ref', 's.kpi', 's.period')
        .sum({ total: 's.value' })
        .groupBy('e.owner_ref', 's.kpi', 's.period'),
    )
    .into(
      knex.raw('?? (??, ??, ??, ??)', [
        'manage_kpi_owner_totals',
        'owner_ref',
        'kpi',
        'period',
        'total',
      ]),
    );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('manage_kpi_owner_totals');
};
