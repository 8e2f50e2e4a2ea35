import { z } from 'zod';

/** One check in a health answer: its status and what it reports (a worker id, a response time...). */
const checkSchema = z.looseObject({ status: z.enum(['up', 'degraded', 'down']) });

/** What `GET /health/live` and `GET /health/ready` answer (terminus's body): each check by name. */
export const healthAnswerSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'error', 'shutting_down']),
    info: z.record(z.string(), checkSchema).optional().describe('The checks that pass.'),
    error: z.record(z.string(), checkSchema).optional().describe('The checks that fail.'),
    details: z.record(z.string(), checkSchema).describe('Every check.'),
  })
  .meta({ id: 'HealthAnswer' });
