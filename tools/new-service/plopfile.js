// `npm run new-service -- <name>`: a new service under apps/ from templates/service, with plop.
// Right after it, `npm start` runs the service, the gateway routes /api/<name> to it, Prometheus
// scrapes it, docker-compose.yml runs it and `npm test` runs its tests: everything else finds the
// app from the `platform` field of its package.json (docs/local-platform.md, "Add a service").
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { nameProblem, templateData } from './dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/** Runs a command in the repository root, its output shown; throws (failing the action) if it fails. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

export default function plopfile(plop) {
  plop.setActionType('command', (_answers, config) => {
    run(config.command, config.args);
    return `${config.command} ${config.args.join(' ')}`;
  });

  plop.setGenerator('service', {
    description: 'a service under apps/: its database, a CRUD resource, ids from id-service, a flag, tests',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'its route segment, plural (the gateway routes /api/<name> to it), e.g. orders:',
        validate: (name) => nameProblem(name) ?? true,
      },
    ],
    actions: (answers) => {
      const data = templateData(root, answers.name);
      const app = path.join(root, 'apps', data.service);
      return [
        {
          type: 'addMany',
          destination: app,
          base: path.join(here, 'templates/service'),
          templateFiles: path.join(here, 'templates/service/**/*'),
          stripExtensions: ['hbs'],
          globOptions: { dot: true },
          data,
          abortOnFail: true,
        },
        // Formatting as the repository's prettier config says, so `npm test`'s check passes.
        { type: 'command', command: 'npx', args: ['prettier', '--log-level', 'warn', '--write', app] },
        // Links the new workspace and records it in package-lock.json.
        {
          type: 'command',
          command: 'npm',
          args: ['install', '--no-audit', '--no-fund', '--loglevel', 'error'],
        },
        // docker-compose.yml's apps part, written from every app's platform facts.
        { type: 'command', command: 'node', args: ['tools/runner/dist/compose-cli.js'] },
      ];
    },
  });
}
