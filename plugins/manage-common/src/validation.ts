import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { KPI_NAMES } from './kpis';

/** The most samples one push may carry; larger uploads are split by the sender. */
export const MAX_SAMPLES_PER_BATCH = 10_000;

const entityRefSchema = z.string().transform((value, ctx) => {
  try {
    // Normalised (lower-case, default namespace) so pushes and catalog rows meet on the same key.
    return stringifyEntityRef(parseEntityRef(value));
  } catch (e) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `not an entity ref (expected kind:namespace/name): ${String(
        (e as Error).message,
      )}`,
    });
    return z.NEVER;
  }
});

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

export const kpiBatchSchema = z
  .object({
    samples: z.array(kpiSampleSchema).min(1).max(MAX_SAMPLES_PER_BATCH),
  })
  .strict();

export type KpiBatch = z.infer<typeof kpiBatchSchema>;

/** Zod issues as one readable line each: `samples.3.period: expected a month as YYYY-MM`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
