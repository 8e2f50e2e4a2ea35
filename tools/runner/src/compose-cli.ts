/**
 * `npm run compose:sync [-- --check]`: writes the apps' part of docker-compose.yml from each
 * apps/*\/package.json's `platform` field (src/compose/). With `--check`, changes nothing and exits
 * 1 if the file is out of step with the apps.
 */
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

import { SERVICES } from './catalog.js';
import { syncComposeFile, withComposeParts } from './compose/compose-file.js';
import { composeParts } from './compose/compose-services.js';

const file = path.join(REPO_ROOT, 'docker-compose.yml');
const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--check');
if (unknown.length > 0) {
  process.stderr.write(`compose:sync takes only --check; got ${unknown.join(' ')}\n`);
  process.exit(2);
}
const parts = composeParts(SERVICES);
const names = SERVICES.map((spec) => spec.name).join(', ');
if (args.includes('--check')) {
  const text = fs.readFileSync(file, 'utf8');
  if (withComposeParts(text, parts) !== text) {
    process.stderr.write(
      'docker-compose.yml is out of step with apps/*/package.json: run npm run compose:sync\n',
    );
    process.exit(1);
  }
  process.stdout.write(`docker-compose.yml runs ${names}\n`);
} else {
  const changed = syncComposeFile(file, parts);
  process.stdout.write(`docker-compose.yml ${changed ? 'now runs' : 'already runs'} ${names}\n`);
}
