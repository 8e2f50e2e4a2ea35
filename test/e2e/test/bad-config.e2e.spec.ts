import { spawn } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { REPO_ROOT } from '@platform/local-infra';
import { SERVICES } from '@platform/runner';

/** Runs a service's real entry point with `env` only, and collects what it printed. */
function run(
  main: string,
  env: Record<string, string>,
): Promise<{ code: number | null; lines: Record<string, unknown>[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, main)], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) =>
      resolve({
        code,
        lines: output
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      }),
    );
  });
}

describe('a service given bad configuration', () => {
  it.each(SERVICES.map((spec) => [spec.name, spec] as const))(
    '%s refuses to start, exits 1 and names every bad or missing variable',
    async (name, spec) => {
      const { code, lines } = await run(spec.main, {
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        ADMIN_TOKEN: 'short',
      });
      expect(code).toBe(1);
      const fatal = lines.find((line) => line['level'] === 'fatal');
      expect(fatal).toBeDefined();
      const message = String(fatal?.['msg']);
      expect(message).toContain(`${name} cannot start`);
      expect(message).toContain('PORT = "eighty": must be a whole number');
      expect(message).toContain('LOG_LEVEL');
      expect(message).toContain('KAFKA_BROKERS is required but not set');
      expect(message).toContain('ADMIN_TOKEN = (hidden): must be at least 16 characters');
      expect(message).not.toContain('short');
      // Its own database variables too (DATABASE_URL, USER_CATALOG_URL, USER_SHARD_URLS), all required.
      const databaseVariables = Object.entries(spec.env(() => 'unused'))
        .filter(([, value]) => value.includes('unused'))
        .map(([variable]) => variable);
      for (const variable of databaseVariables) {
        expect(message).toContain(`${variable} is required but not set`);
      }
    },
    15_000,
  );
});
