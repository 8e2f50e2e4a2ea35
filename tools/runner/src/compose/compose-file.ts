import fs from 'node:fs';

import type { ComposeParts } from './compose-services.js';

/**
 * docker-compose.yml keeps the apps' part between marker comments, so the hand-written rest (its
 * comments and anchors included) stays as it is. Compose has no way to include files by pattern,
 * so this is how a new app gets into the file: `npm run compose:sync` rewrites the marked parts.
 */
const MARKERS = {
  services: [
    '  # >>> apps and their PostgreSQL servers, written by `npm run compose:sync` from each',
    "  # apps/*/package.json's `platform` field (docs/local-platform.md): edit those, not this part.",
    '  # <<< end of the apps',
  ],
  volumes: [
    "  # >>> the apps' PostgreSQL volumes (npm run compose:sync)",
    "  # <<< end of the apps' volumes",
  ],
} as const;

/** `text` with the marked parts replaced by `parts`. Throws if a marker is missing. */
export function withComposeParts(text: string, parts: ComposeParts): string {
  let result = text;
  for (const key of ['services', 'volumes'] as const) {
    const markers = MARKERS[key];
    const open = markers.slice(0, -1).join('\n');
    const close = markers[markers.length - 1]!;
    const start = result.indexOf(open);
    const end = result.indexOf(close);
    if (start < 0 || end < start) {
      throw new Error(
        `docker-compose.yml lacks the marker lines around the apps' ${key}:\n${markers.join('\n')}`,
      );
    }
    const gap = key === 'services' ? '\n' : '';
    result = `${result.slice(0, start)}${open}\n${parts[key]}\n${gap}${result.slice(end)}`;
  }
  return result;
}

/** Rewrites the file's marked parts; says whether anything changed. */
export function syncComposeFile(file: string, parts: ComposeParts): boolean {
  const before = fs.readFileSync(file, 'utf8');
  const after = withComposeParts(before, parts);
  if (after === before) return false;
  fs.writeFileSync(file, after);
  return true;
}
