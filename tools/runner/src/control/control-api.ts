import { z } from 'zod';

/**
 * The runner's control API: what a running `npm start` lets another process do to it (start and
 * stop instances, set a service's version). The release command is its client. These schemas and
 * views are the contract, shared by the server and the client.
 */

/** A version or track, as services accept them in SERVICE_VERSION and SERVICE_TRACK. */
export const RELEASE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const RELEASE_NAME_RULE =
  'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

/** What SERVICE_VERSION defaults to in every service (packages/service-kit's env schema). */
export const DEFAULT_SERVICE_VERSION = '0.1.0';
/** The track of instances that are not part of a release in progress. */
export const STABLE_TRACK = 'stable';
/** Instances one request may start; the same cap as `--scale`. */
export const MAX_START_COUNT = 20;

const releaseName = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .regex(RELEASE_NAME_PATTERN, `${field} ${RELEASE_NAME_RULE}`);

/** `POST /instances`. Version defaults to the service's current version, track to `stable`. */
export const startInstancesSchema = z
  .object(
    {
      service: z
        .string({ error: 'service is required and must be a service name' })
        .min(1, 'service is required'),
      version: releaseName('version').optional(),
      track: releaseName('track').optional(),
      count: z
        .number({ error: `count must be a whole number from 1 to ${MAX_START_COUNT}` })
        .int(`count must be a whole number from 1 to ${MAX_START_COUNT}`)
        .min(1, `count must be a whole number from 1 to ${MAX_START_COUNT}`)
        .max(MAX_START_COUNT, `count must be a whole number from 1 to ${MAX_START_COUNT}`)
        .default(1),
    },
    { error: 'the body must be a JSON object like {"service":"user-service","version":"0.2.0"}' },
  )
  .strict();
export type StartInstancesRequest = z.output<typeof startInstancesSchema>;

/** `PUT /services/{service}/version`. */
export const setVersionSchema = z
  .object(
    { version: releaseName('version') },
    { error: 'the body must be a JSON object like {"version":"0.2.0"}' },
  )
  .strict();
export type SetVersionRequest = z.output<typeof setVersionSchema>;

/** One instance as the control API shows it. */
export interface InstanceView {
  readonly service: string;
  readonly instanceId: string;
  readonly version: string;
  readonly track: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly state: 'starting' | 'ready' | 'stopping';
  readonly logFile: string;
}

/** An instance `POST /instances` started, with how long it took to become ready. */
export interface StartedInstanceView extends InstanceView {
  readonly readyInMs: number;
}

/** A service and the version new instances of it get unless told otherwise. */
export interface ServiceVersionView {
  readonly service: string;
  readonly version: string;
}

/** `DELETE /instances/{instanceId}`'s answer, once the process has exited. */
export interface StoppedInstanceView {
  readonly instance: InstanceView;
  readonly stoppedInMs: number;
}

/** Infrastructure the runner started and can stop and start again (a chaos experiment's faults). */
export const INFRA_NAMES = ['postgres-a', 'postgres-b', 'kafka'] as const;
export type InfraName = (typeof INFRA_NAMES)[number];

/** One piece of infrastructure as the control API shows it. */
export interface InfraView {
  readonly name: InfraName;
  /** The host process the runner started (PostgreSQL's or Kafka's processes are below it); null when stopped. */
  readonly pid: number | null;
  readonly address: string;
  readonly state: 'running' | 'stopped';
}

/** `POST /infrastructure/{name}/stop|start`'s answer. */
export interface InfraActionView {
  readonly infrastructure: InfraView;
  readonly tookMs: number;
}

/** `POST /instances/{instanceId}/restart`'s answer: the old one stopped (if it still ran), its replacement ready. */
export interface RestartedInstanceView {
  readonly stopped: InstanceView;
  readonly started: StartedInstanceView;
}

/** The body of every error answer, the same shape the services use. */
export interface ControlErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** The problems a failed parse found, as one sentence for a person. */
export function describeIssues(error: z.ZodError): string {
  const messages = error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue.message,
  );
  return [...new Set(messages)].join('; ');
}
