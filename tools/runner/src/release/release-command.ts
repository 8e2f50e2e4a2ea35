import { GATEWAY_SERVICE } from '../catalog.js';
import type { InstanceView } from '../control/control-api.js';
import { ControlClient } from '../control/control-client.js';
import { ApiError, ApiUnreachableError } from '../http-json.js';
import { painter } from '../output/color-support.js';
import { isAlive, readState } from '../state.js';
import { GatewayClient, type Release } from './gateway-client.js';
import { parseReleaseArgs, RELEASE_USAGE, UsageError, type ReleaseCommand } from './release-args.js';
import { formatInstances, nextSteps, renderRelease } from './release-progress.js';
import { ReleaseError } from './release.errors.js';
import { Releaser } from './releaser.js';

export interface ReleaseCommandOptions {
  readonly stateDir: string;
  readonly color: boolean;
}

/**
 * `npm run release -- <subcommand>`: finds the running platform through its state file, then hands
 * over to the {@link Releaser}. Resolves to the exit code: 0 done, 1 rolled back, aborted or
 * failed, 2 a usage mistake, 130 interrupted.
 */
export async function runRelease(args: readonly string[], options: ReleaseCommandOptions): Promise<number> {
  const paint = painter(options.color);
  const say = (line: string) => process.stdout.write(`${paint('bold', '[release]')} ${line}\n`);

  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h' || args[0] === 'help')) {
    process.stdout.write(RELEASE_USAGE);
    return 0;
  }
  let command: ReleaseCommand;
  try {
    command = parseReleaseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${RELEASE_USAGE}`);
    return 2;
  }

  const state = readState(options.stateDir);
  if (!state || !isAlive(state.runnerPid)) {
    process.stderr.write('the platform is not running; start it with npm start\n');
    return 1;
  }
  if (!state.controlUrl) {
    process.stderr.write(
      'the platform is still starting (its control API is not up yet); run this again once npm start ' +
        'says "platform up"\n',
    );
    return 1;
  }
  const control = new ControlClient(state.controlUrl, state.adminToken);
  const gateway = new GatewayClient(state.gatewayUrl, state.adminToken);

  if (command.kind === 'status') return status(command.service, command.json, control, gateway);

  const service = command.service;
  const onInterrupt = () => {
    say(`interrupted: the release of ${service} stays as it is now; resume with ${nextSteps(service)}`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  const releaser = new Releaser({ stateDir: options.stateDir, control, gateway, say });
  try {
    switch (command.kind) {
      case 'start':
        return await releaser.start(command);
      case 'promote':
        return await releaser.promote(service);
      case 'abort':
        return await releaser.abort(service);
    }
  } catch (error) {
    if (!(
      error instanceof ReleaseError ||
      error instanceof ApiError ||
      error instanceof ApiUnreachableError
    )) {
      throw error;
    }
    say(paint('red', error.message));
    return 1;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

/** `release status`: the gateway's release records beside the instances per version. */
async function status(
  service: string | undefined,
  json: boolean,
  control: ControlClient,
  gateway: GatewayClient,
): Promise<number> {
  let releases: Release[];
  let instances: InstanceView[];
  try {
    releases = service
      ? [await gateway.release(service)].filter((release): release is Release => release !== undefined)
      : await gateway.releases();
    instances = (await control.instances(service)).filter((instance) => instance.service !== GATEWAY_SERVICE);
  } catch (error) {
    if (!(error instanceof ApiError || error instanceof ApiUnreachableError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  const of = (name: string) => instances.filter((instance) => instance.service === name);

  if (json) {
    const services = [...new Set(instances.map((instance) => instance.service))];
    const byService = Object.fromEntries(services.map((name) => [name, of(name)]));
    process.stdout.write(`${JSON.stringify({ releases, instances: byService }, null, 2)}\n`);
    return 0;
  }
  if (releases.length === 0) {
    process.stdout.write(
      service
        ? `${service} has no release record; running: ${formatInstances(of(service))}\n`
        : 'No releases yet. Start one with npm run release -- start <service> --strategy canary --version <version>\n',
    );
    return 0;
  }
  process.stdout.write(releases.map((release) => renderRelease(release, of(release.service))).join('\n'));
  return 0;
}
