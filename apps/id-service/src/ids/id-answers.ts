import { z } from 'zod';

import { ID_KINDS } from './id-kinds.js';

/** What `POST /ids/{kind}` answers: 64-bit ids as decimal strings (they exceed JavaScript's 2^53). */
export const issuedIdsSchema = z.object({ ids: z.array(z.string()).min(1) }).meta({ id: 'IssuedIds' });

/** What `GET /ids/{kind}/{id}` answers: the id's time, and the parts its kind has (worker, shard, counter…). */
export const decodedIdSchema = z
  .looseObject({
    kind: z.enum(ID_KINDS),
    id: z.string(),
    timestamp: z.iso.datetime().describe('When the id was issued, as its bits say.'),
  })
  .meta({ id: 'DecodedId' });

/** What `PUT /admin/clock` answers: the offset the generators' clock now has. */
export const clockOffsetAnswerSchema = z.object({ offsetMs: z.number().int() });
