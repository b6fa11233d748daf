// @ts-check

/**
 * manage_groups is gone: the org (groups, parents, titles, the tree of a team) comes from the one org model
 * (@internal/plugin-org-model-node), which tech-migrations reads too, so both pages roll teams up the same way.
 * manage_entities keeps the owned entities, their owner from the org model's rule.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.dropTable('manage_groups');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.createTable('manage_groups', table => {
    table.string('group_ref').primary();
    table.string('parent_ref').nullable().index();
    table.string('title').notNullable();
    table.string('type').nullable();
  });
};
