import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from '@jest/globals';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY = 'localhost:8080';

/** A request as the README's curl or api.http writes it, compared field by field. */
interface Request {
  readonly method: string;
  /** Path and query on the gateway: `/api/users?limit=20`. */
  readonly target: string;
  readonly adminToken: boolean;
  readonly body?: unknown;
}

/** Splits a shell line into words, with '…' and "…" quoting, up to a `#` comment. */
function words(line: string): string[] {
  const found: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(#.*)|(\S+)/g)) {
    if (match[3] !== undefined) break;
    found.push(match[1] ?? match[2] ?? match[4]!);
  }
  return found;
}

/** Every `curl` of the README's bash blocks that calls the gateway, in order. */
function readmeRequests(readme: string): Request[] {
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]!);
  return blocks
    .flatMap((block) => block.split('\n'))
    .filter((line) => line.startsWith('curl ') && line.includes(GATEWAY))
    .map((line) => {
      const args = words(line).slice(1);
      const option = (name: string) => args[args.indexOf(name) + 1];
      const headers = args.flatMap((arg, i) => (args[i - 1] === '-H' ? [arg.toLowerCase()] : []));
      const url = args.find((arg) => arg.startsWith(GATEWAY))!;
      const data = args.includes('-d') ? option('-d') : undefined;
      return {
        method: args.includes('-X') ? option('-X')! : 'GET',
        target: url.slice(GATEWAY.length),
        adminToken: headers.some((header) => header.startsWith('authorization: bearer')),
        ...(data === undefined ? {} : { body: JSON.parse(data) as unknown }),
      };
    });
}

/** Every request of an `.http` file (REST Client / JetBrains format), in order. */
function httpFileRequests(file: string): Request[] {
  return file
    .split(/^###.*$/m)
    .slice(1)
    .map((block) => {
      const lines = block.split('\n').filter((line) => !line.startsWith('#'));
      const start = lines.findIndex((line) => line.trim() !== '');
      const [method, url] = lines[start]!.trim().split(/\s+/) as [string, string];
      const blank = lines.findIndex((line, i) => i > start && line.trim() === '');
      const headers = lines.slice(start + 1, blank === -1 ? undefined : blank).map((h) => h.toLowerCase());
      const body =
        blank === -1
          ? ''
          : lines
              .slice(blank + 1)
              .join('\n')
              .trim();
      return {
        method,
        target: url.replace('{{host}}', ''),
        adminToken: headers.some((header) => header.startsWith('authorization: bearer {{admintoken}}')),
        ...(body === '' ? {} : { body: JSON.parse(body) as unknown }),
      };
    });
}

describe('api.http', () => {
  const readme = readmeRequests(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
  const httpFile = fs.readFileSync(path.join(REPO_ROOT, 'api.http'), 'utf8');

  it("holds the README's requests to the gateway, in the README's order, with the same bodies and tokens", () => {
    expect(readme.length).toBeGreaterThanOrEqual(8);
    expect(httpFileRequests(httpFile).slice(0, readme.length)).toEqual(readme);
  });

  it('names its host and admin token once, as variables', () => {
    expect(httpFile).toMatch(/^@host = http:\/\/localhost:8080$/m);
    expect(httpFile).toMatch(/^@adminToken = /m);
    expect(httpFile).not.toMatch(/localhost:8080\/(api|admin)/);
  });
});

describe(readmeRequests.name, () => {
  it('reads a curl’s method, target, token and body, and ignores its comment', () => {
    const readme = [
      '```bash',
      `curl -X PUT ${GATEWAY}/api/flags/x -H "authorization: Bearer $TOKEN" -d '{"enabled":true}'`,
      `curl '${GATEWAY}/api/users?limit=20'      # every user`,
      'curl elsewhere:9090/metrics',
      '```',
    ].join('\n');
    expect(readmeRequests(readme)).toEqual([
      { method: 'PUT', target: '/api/flags/x', adminToken: true, body: { enabled: true } },
      { method: 'GET', target: '/api/users?limit=20', adminToken: false },
    ]);
  });
});
