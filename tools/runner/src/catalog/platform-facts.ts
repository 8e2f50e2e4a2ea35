import { z } from 'zod';

/**
 * The `platform` field of an app's package.json: everything the runner, `docker-compose.yml` and
 * the service generator need to know about a service, in one place beside its code. The runner
 * finds services by reading every `apps/<dir>/package.json` that has this field.
 *
 *   "platform": {
 *     "route": "orders",
 *     "port": 3400,
 *     "scale": 1,
 *     "colour": "green",
 *     "databases": { "DATABASE_URL": "a/orders" },
 *     "dependsOn": ["id-service"]
 *   }
 */

/** The platform's PostgreSQL servers: sharded databases alternate between them. */
export const POSTGRES_SERVERS = ['a', 'b'] as const;
export type PostgresServer = (typeof POSTGRES_SERVERS)[number];

/** `<server>/<database>`, e.g. `a/orders`. */
const databaseRef = z
  .string()
  .regex(
    /^[ab]\/[a-z][a-z0-9_]{0,62}$/,
    'must be "<server>/<database>": server a or b, then a database name in lower case (letters, digits, _)',
  );

/** In the order new services get them (red, the colour of trouble, last). */
export const TERMINAL_COLOURS = [
  'green',
  'cyan',
  'blue',
  'yellow',
  'magenta',
  'white',
  'gray',
  'red',
] as const;
export type TerminalColour = (typeof TERMINAL_COLOURS)[number];

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'environment variables are upper case (A-Z, 0-9, _)');

export const platformFactsSchema = z
  .object({
    /** The segment the service announces: the gateway routes `/api/<route>/…` to it. */
    route: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a lower-case route segment (letters, digits, -)')
      .optional(),
    /** The port the service listens on by default (its env schema's PORT default). */
    port: z.number().int().min(1024).max(65_535),
    /** The edge (the gateway): `npm start` gives it `port` itself, always runs one, never releases it. */
    edge: z.boolean().default(false),
    /** Instances `npm start` runs (compose's replicas). */
    scale: z.number().int().min(0).max(20).default(1),
    /** The colour of its instances' lines in the terminal. */
    colour: z.enum(TERMINAL_COLOURS).default('white'),
    /** Environment variable → database (`a/orders`), or a list of them, passed comma-separated. */
    databases: z.record(envName, z.union([databaseRef, z.array(databaseRef).min(1)])).default({}),
    /** Fixed environment the service always gets, locally and in compose. */
    env: z.record(envName, z.string()).default({}),
    /** Services it needs running first (compose waits until they are healthy). */
    dependsOn: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).default([]),
  })
  .strict();

export type PlatformFacts = z.output<typeof platformFactsSchema>;

/** `a/orders` → `{ server: 'a', name: 'orders' }`. */
export function parseDatabaseRef(ref: string): { server: PostgresServer; name: string } {
  const [server, name] = ref.split('/') as [PostgresServer, string];
  return { server, name };
}
