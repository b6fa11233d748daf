import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { KPI_NAMES } from './kpis';

/**
 * The most samples one push may carry; larger uploads are split by the sender.
 *
 * @public
 */
export const MAX_SAMPLES_PER_BATCH = 10_000;

/**
 * Entity and group refs are stored and looked up in `varchar(255)` columns; PostgreSQL refuses a longer value and any
 * NUL byte with an error (a 500), so both are input errors here, before the store sees them. Valid catalog refs are
 * far shorter (kind, namespace and name are at most 63 characters each).
 *
 * @public
 */
export const MAX_ENTITY_REF_LENGTH = 255;

function refSchema(what: string, parse: (value: string) => string) {
  return z.string().transform((value, ctx) => {
    if (value.includes('\u0000')) {
      ctx.addIssue({
        code: 'custom',
        message: `contains a NUL byte (\\u0000), which no ${what} can`,
      });
      return z.NEVER;
    }
    let ref: string;
    try {
      ref = parse(value);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        message: `not ${
          what === 'entity ref' ? 'an' : 'a'
        } ${what} (expected kind:namespace/name): ${String(
          (e as Error).message,
        )}`,
      });
      return z.NEVER;
    }
    if (ref.length > MAX_ENTITY_REF_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} is ${ref.length} characters long; at most ${MAX_ENTITY_REF_LENGTH} are allowed`,
      });
      return z.NEVER;
    }
    return ref;
  });
}

// Normalised (lower-case, default namespace) so pushes and catalog rows meet on the same key.
const entityRefSchema = refSchema('entity ref', value =>
  stringifyEntityRef(parseEntityRef(value)),
);

/**
 * A team ref as the summary route takes it: `kind` defaults to group and must be group.
 *
 * @public
 */
export const groupRefSchema = refSchema('group ref', value => {
  const ref = parseEntityRef(value, { defaultKind: 'group' });
  if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new Error(`kind is ${ref.kind}, not group`);
  }
  return stringifyEntityRef(ref);
});

/** @public */
export const kpiSampleSchema = z
  .object({
    entityRef: entityRefSchema,
    kpi: z.enum(KPI_NAMES),
    period: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM'),
    value: z.number().finite().nonnegative(),
  })
  .strict();

/** @public */
export const kpiBatchSchema = z
  .object({
    samples: z.array(kpiSampleSchema).min(1).max(MAX_SAMPLES_PER_BATCH),
  })
  .strict();

/** @public */
export type KpiBatch = z.infer<typeof kpiBatchSchema>;
