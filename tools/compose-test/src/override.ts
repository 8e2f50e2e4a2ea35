import type { LocalImages } from './local-images.js';

/** What the override reads of a docker-compose.yml service. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly dockerfile?: string; readonly args?: unknown };
}

export type OverrideService = { image: string } | { profiles: string[] };

export interface ComposeOverride {
  /** The file's `services`, for the override file docker-compose reads after docker-compose.yml. */
  readonly services: Record<string, OverrideService>;
  /** Apps to build with the project's Dockerfile: service → [app directory, image name]. */
  readonly apps: ReadonlyMap<string, { readonly app: string; readonly image: string }>;
  /** Services that stay down (no local stand-in), with why. */
  readonly notBooted: ReadonlyMap<string, string>;
}

export const SERVICE_DOCKERFILE = 'infra/docker/service.Dockerfile';
/** A profile nobody enables: how the override keeps a service out of `up`. */
export const NOT_BOOTED_PROFILE = 'not-booted-by-compose-test';

/** The public images with a stand-in built here, by image name before the tag. */
const STAND_INS: Readonly<Record<string, keyof LocalImages>> = {
  'apache/kafka': 'kafka',
  postgres: 'postgres',
  'prom/prometheus': 'prometheus',
};

/** Public images with no package here to build a stand-in from: left out, and said so. */
const WITHOUT_STAND_IN: Readonly<Record<string, string>> = {
  'grafana/grafana': 'Grafana has no Debian package to build a stand-in from',
};

/**
 * The override file that runs docker-compose.yml as it is, but on images made on this machine:
 * each public image swapped for its stand-in, each app's image pre-built under `imageTag` (so that
 * `up --no-build` uses it), and the images without a stand-in kept down. An image it knows nothing
 * of fails the run, so that a new public image in docker-compose.yml is never silently skipped.
 */
export function composeOverride(
  services: Readonly<Record<string, ComposeService>>,
  images: LocalImages,
  imageTag: (app: string) => string,
): ComposeOverride {
  const out: Record<string, OverrideService> = {};
  const apps = new Map<string, { app: string; image: string }>();
  const notBooted = new Map<string, string>();
  for (const [name, service] of Object.entries(services)) {
    if (service.build?.dockerfile === SERVICE_DOCKERFILE) {
      const app = appOf(name, service.build.args);
      const image = imageTag(app);
      apps.set(name, { app, image });
      out[name] = { image };
      continue;
    }
    const repository = (service.image ?? '').replace(/:[^/:]*$/, '');
    const standIn = STAND_INS[repository];
    if (standIn) out[name] = { image: images[standIn] };
    else if (WITHOUT_STAND_IN[repository]) {
      out[name] = { profiles: [NOT_BOOTED_PROFILE] };
      notBooted.set(name, WITHOUT_STAND_IN[repository]);
    } else {
      throw new Error(
        `service ${name}: no local stand-in for image '${service.image ?? '(none)'}' ` +
          '(add one under infra/local-images and to tools/compose-test/src/override.ts)',
      );
    }
  }
  return { services: out, apps, notBooted };
}

/** The APP build arg, in either of compose's forms (a map, or a list of KEY=value). */
function appOf(service: string, args: unknown): string {
  const entries: [string, unknown][] = Array.isArray(args)
    ? (args as string[]).map((entry) => {
        const [key = '', ...value] = entry.split('=');
        return [key, value.join('=')];
      })
    : Object.entries((args ?? {}) as Record<string, unknown>);
  const app = entries.find(([key]) => key === 'APP')?.[1];
  if (typeof app !== 'string' || app === '') throw new Error(`service ${service}: no APP build arg`);
  return app;
}
