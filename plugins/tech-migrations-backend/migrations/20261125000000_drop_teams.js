// @ts-check

/**
 * tm_teams is gone: owners, tribes, squads and titles come from the one org model
 * (@internal/plugin-org-model-node), which the manage page reads too, so both roll teams up the same way.
 * tribe_ref stays on the status and snapshot rows as the org model's tribe at evaluation time (shown in the API);
 * roll-ups select owners by the team's tree instead.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.dropTable('tm_teams');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.createTable('tm_teams', table => {
    table.comment(
      'Groups of the catalog: squads with their tribe (spec.parent)',
    );
    table.string('team_ref').primary();
    table.string('title').notNullable();
    table.string('parent_ref').nullable();
    table.string('type').nullable();
  });
};
