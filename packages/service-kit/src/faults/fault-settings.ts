import { z } from 'zod';

const ms = (max: number) => z.number().min(0, 'must not be negative').max(max, `must be at most ${max}`);
const share = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

/**
 * Faults an instance injects into its own requests (admin, health and metrics routes excluded),
 * for experiments: make one instance slow or failing and watch the callers cope.
 */
export const faultSettingsSchema = z
  .object({
    latency: z
      .discriminatedUnion('distribution', [
        z.object({ distribution: z.literal('fixed'), ms: ms(120_000) }).strict(),
        z.object({ distribution: z.literal('uniform'), minMs: ms(120_000), maxMs: ms(120_000) }).strict(),
        z.object({ distribution: z.literal('exponential'), meanMs: ms(120_000) }).strict(),
        z.object({ distribution: z.literal('normal'), meanMs: ms(120_000), stddevMs: ms(60_000) }).strict(),
      ])
      .and(z.object({ share: share.optional() }))
      .optional(),
    errors: z
      .object({
        share,
        status: z
          .union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)], {
            error: 'must be 500, 502, 503 or 504',
          })
          .default(503),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (value) => value.latency?.distribution !== 'uniform' || value.latency.minMs <= value.latency.maxMs,
    { message: 'must not exceed latency.maxMs', path: ['latency', 'minMs'] },
  );

export type FaultSettings = z.output<typeof faultSettingsSchema>;
