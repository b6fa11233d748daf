import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { CHECK_OPERATORS, CheckOperator, parseFactPath } from './checks';

/**
 * Refs are stored and looked up in `varchar(255)` columns; PostgreSQL answers a longer value or a NUL byte with an
 * error (a 500), so both are input errors here, before any store sees them. Valid catalog refs are far shorter (kind,
 * namespace and name are at most 63 characters each).
 *
 * @public
 */
export const MAX_REF_LENGTH = 255;

function refSchema(what: string, parse: (value: string) => string) {
  return z.string().transform((value, ctx) => {
    if (value.includes('\u0000')) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `contains a NUL byte (\\u0000), which no ${what} can`,
      });
      return z.NEVER;
    }
    let ref: string;
    try {
      ref = parse(value).toLocaleLowerCase('en-US');
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `'${value}' is not ${
          what === 'entity ref' ? 'an' : 'a'
        } ${what}${what === 'entity ref' ? ' (kind:namespace/name)' : ''}`,
      });
      return z.NEVER;
    }
    if (ref.length > MAX_REF_LENGTH) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} is ${ref.length} characters long; at most ${MAX_REF_LENGTH} are allowed`,
      });
      return z.NEVER;
    }
    return ref;
  });
}

/**
 * A full entity ref (`kind:namespace/name` or `kind:name`), normalized to `kind:namespace/name` lower-case.
 *
 * @public
 */
export const entityRefSchema = refSchema('entity ref', value =>
  stringifyEntityRef(parseEntityRef(value)),
);

/**
 * A group ref; `kind` defaults to group, so `checkout-squad` and `group:default/checkout-squad` are the same.
 *
 * @public
 */
export const groupRefSchema = refSchema('group ref', value =>
  stringifyEntityRef(
    parseEntityRef(value, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  ),
);

/**
 * `YYYY-MM-DD`; YAML parsers that turn dates into Date objects are accepted too.
 *
 * @public
 */
export const isoDateSchema = z.preprocess(
  v => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .refine(
      v => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)),
      'is not a valid date',
    ),
);

const factValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** @public */
export type LeafCheck = {
  fact: string;
  operator: CheckOperator;
  value?: string | number | boolean | Array<string | number | boolean>;
  /** Shown as "what is missing" when the check fails; a default is derived from fact/operator/value. */
  description?: string;
};
/** @public */
export type Check = LeafCheck | { all: Check[] } | { any: Check[] };

const leafCheckSchema = z
  .object({
    fact: z.string().superRefine((path, ctx) => {
      const parsed = parseFactPath(path);
      if ('error' in parsed) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error });
      }
    }),
    operator: z.enum(CHECK_OPERATORS),
    value: z
      .union([factValueSchema, z.array(factValueSchema).min(1)])
      .optional(),
    description: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((check, ctx) => {
    const unary = check.operator === 'exists' || check.operator === 'notExists';
    const list = check.operator === 'in' || check.operator === 'notIn';
    if (unary && check.value !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['value'],
        message: `operator '${check.operator}' takes no value`,
      });
    } else if (!unary && check.value === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['value'],
        message: `operator '${check.operator}' needs a value`,
      });
    } else if (!list && Array.isArray(check.value)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['value'],
        message: `operator '${check.operator}' compares one value; use 'in' for a list`,
      });
    }
  });

/**
 * A leaf `{ fact, operator, value }`, or `{ all: [...] }` / `{ any: [...] }` of checks.
 *
 * @public
 */
export const checkSchema: z.ZodType<Check, z.ZodTypeDef, unknown> = z.lazy(() =>
  z.unknown().transform((value, ctx) => {
    let schema: z.ZodTypeAny = leafCheckSchema;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if ('all' in value) {
        schema = z.object({ all: z.array(checkSchema).min(1) }).strict();
      } else if ('any' in value) {
        schema = z.object({ any: z.array(checkSchema).min(1) }).strict();
      }
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.addIssue({
          ...issue,
          code: z.ZodIssueCode.custom,
          message: issue.message,
        });
      }
      return z.NEVER;
    }
    return result.data as Check;
  }),
);

const nonEmptyList = z.array(z.string().min(1)).min(1);

/** @public */
export const scopeSchema = z
  .object({
    /** Entity kinds; Component when left out. */
    kind: nonEmptyList.optional(),
    type: nonEmptyList.optional(),
    lifecycle: nonEmptyList.optional(),
    /** The entity has at least one of these tags. */
    tags: nonEmptyList.optional(),
    /** System names or refs (`checkout` or `system:default/checkout`). */
    system: nonEmptyList.optional(),
  })
  .strict();
/** @public */
export type MigrationScope = z.infer<typeof scopeSchema>;

/** @public */
export const exemptionSchema = z
  .object({
    entity: entityRefSchema,
    reason: z.string().min(1, 'needs a reason'),
    expires: isoDateSchema,
  })
  .strict();
/** @public */
export type MigrationExemption = z.infer<typeof exemptionSchema>;

/**
 * The template that fixes an entity of a migration: a Template entity ref (`template:default/bump-node-version`, or
 * `bump-node-version` with kind and namespace defaulted), normalized lower-case. Whether it exists is checked
 * against the catalog when the definitions are evaluated.
 *
 * @public
 */
export const templateRefSchema = refSchema('template ref', value =>
  stringifyEntityRef(
    parseEntityRef(value, {
      defaultKind: 'template',
      defaultNamespace: 'default',
    }),
  ),
).superRefine((ref, ctx) => {
  if (!ref.startsWith('template:')) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `'${ref}' is not a Template; a fix template is a ref like template:default/<name>`,
    });
  }
});

/** @public */
export const MIGRATION_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * A migration id as the API takes it in a path.
 *
 * @public
 */
export const migrationIdSchema = z
  .string()
  .regex(
    MIGRATION_ID,
    'must be lower-case letters, digits and dashes (at most 63)',
  );

/**
 * One migration, as written in `catalog/migrations/<id>.yaml`. Unknown fields are rejected.
 *
 * @public
 */
export const migrationDefinitionSchema = z
  .object({
    /** Defaults to the file name without `.yaml`. */
    id: z
      .string()
      .regex(MIGRATION_ID, 'must be lower-case letters, digits and dashes')
      .optional(),
    title: z.string().min(1),
    description: z.string().optional(),
    link: z.string().url().optional(),
    owner: groupRefSchema,
    startDate: isoDateSchema,
    targetDate: isoDateSchema,
    scope: scopeSchema,
    check: checkSchema,
    exemptions: z.array(exemptionSchema).default([]),
    /** A scaffolder template that fixes a remaining entity; the portal offers it as "Fix with template". */
    fixTemplate: templateRefSchema.optional(),
  })
  .strict()
  .superRefine((def, ctx) => {
    if (def.targetDate < def.startDate) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['targetDate'],
        message: `target date ${def.targetDate} is before start date ${def.startDate}`,
      });
    }
  });

/** @public */
export type MigrationDefinitionInput = z.input<
  typeof migrationDefinitionSchema
>;
/** @public */
export type MigrationDefinition = Omit<
  z.output<typeof migrationDefinitionSchema>,
  'id'
> & { id: string };

/** @public */
export const FACT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,127}$/;

/**
 * Body of `POST /api/tech-migrations/facts`. All entries are stored in one transaction, or none.
 *
 * @public
 */
export const factsPushSchema = z
  .object({
    entities: z
      .array(
        z
          .object({
            entityRef: entityRefSchema,
            facts: z
              .record(
                z
                  .string()
                  .regex(FACT_NAME, 'fact names are letters, digits, _ . - /'),
                z.union([
                  // PostgreSQL refuses a NUL byte in text (a 500), and no fact needs one.
                  z
                    .string()
                    .max(1000)
                    .refine(v => !v.includes('\u0000'), 'contains a NUL byte'),
                  z.number().finite(),
                  z.boolean(),
                  z.null(),
                ]),
              )
              .refine(
                f => Object.keys(f).length > 0,
                'needs at least one fact',
              ),
          })
          .strict(),
      )
      .min(1, 'needs at least one entity')
      .max(1000, 'at most 1000 entities per request'),
  })
  .strict();
/** @public */
export type FactsPushRequest = z.infer<typeof factsPushSchema>;
