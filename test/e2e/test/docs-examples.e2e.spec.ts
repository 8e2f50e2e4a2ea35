import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { REPO_ROOT } from '@platform/local-infra';

import { startCliPlatform, type CliPlatform } from './cli-platform.js';
import { extractExamples, notRunHere, type DocExample } from './docs-examples.js';

/** README first, then the docs pages in the order a newcomer meets them (alphabetical, here). */
const DOC_FILES = [
  'README.md',
  ...fs
    .readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

describe(extractExamples.name, () => {
  const markdown = [
    'Some prose with `curl localhost:8080` inline, which is not an example.',
    '```bash',
    '# a comment line',
    "curl -X POST 'localhost:8080/api/ids/snowflake?count=3'",
    'TOKEN=$(npm run -s status -- --json | node -pe "1")',
    'curl -si --path-as-is localhost:8080/api/ids/%2e%2e/metrics   # 400 invalid_path',
    'curl -X PUT localhost:8080/admin/routes/ids -H "authorization: Bearer $TOKEN" \\',
    '     -d \'{"a":"#not a comment"}\'',
    'ls .platform',
    '```',
    '```console',
    '$ curl -s $GW/api/ids/ulid \\',
    '    -X POST',
    '{"ids":["01J"]}',
    '```',
    '```json',
    'curl not-in-a-shell-block',
    '```',
  ].join('\n');

  it('takes every curl and npm run line of a shell block or a transcript’s prompt, continuation lines joined, with the status a comment promises', () => {
    expect(extractExamples(markdown, 'x.md')).toEqual([
      { file: 'x.md', line: 4, command: "curl -X POST 'localhost:8080/api/ids/snowflake?count=3'" },
      { file: 'x.md', line: 5, command: 'TOKEN=$(npm run -s status -- --json | node -pe "1")' },
      {
        file: 'x.md',
        line: 6,
        command: 'curl -si --path-as-is localhost:8080/api/ids/%2e%2e/metrics',
        expectedStatus: 400,
      },
      {
        file: 'x.md',
        line: 7,
        command:
          'curl -X PUT localhost:8080/admin/routes/ids -H "authorization: Bearer $TOKEN" -d \'{"a":"#not a comment"}\'',
      },
      { file: 'x.md', line: 12, command: 'curl -s $GW/api/ids/ulid -X POST' },
    ]);
  });
});

interface Outcome {
  readonly example: DocExample;
  readonly exitCode: number | undefined;
  readonly status: number | undefined;
  readonly output: string;
}

/**
 * Runs one file's examples in order in one bash, as a reader pasting them into a terminal would
 * (variables such as TOKEN carry over), against `gatewayUrl` instead of localhost:8080.
 */
function runExamples(examples: readonly DocExample[], platform: CliPlatform): Promise<Outcome[]> {
  const gateway = new URL(platform.gatewayUrl).host;
  const script = [
    'set -o pipefail',
    // Transcripts name the gateway GW (a plain npm start: localhost:8080).
    `GW=${gateway}`,
    // Every curl reports its status on a line of its own after the body.
    // (on stderr, so a pipe after it gets the output it expects; an example's own -w comes later and wins)
    'curl() { command curl -sS --max-time 15 -w \'%{stderr}\\n@@status %{http_code}\\n\' "$@"; }',
    ...examples.map((example, index) => {
      const command = example.command.replace(/\b(localhost|127\.0\.0\.1):8080\b/g, gateway);
      return `printf '\\n@@begin ${index}\\n'; ${command}; printf '\\n@@exit %d\\n' $?`;
    }),
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], {
      cwd: REPO_ROOT,
      env: { ...platform.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', () => {
      const sections = output.split(/\n@@begin (\d+)\n/);
      resolve(
        examples.map((example, index) => {
          const at = sections.indexOf(String(index));
          const text = at >= 0 ? (sections[at + 1] ?? '') : '';
          const exit = /\n@@exit (\d+)\n/.exec(text);
          const statuses = [...text.matchAll(/\n@@status (\d{3})\n/g)];
          return {
            example,
            exitCode: exit ? Number(exit[1]) : undefined,
            status: statuses.length > 0 ? Number(statuses.at(-1)![1]) : undefined,
            output: text.replace(/\n@@(exit|status) \d+\n/g, '\n').trim(),
          };
        }),
      );
    });
  });
}

/** What is wrong with an outcome, in one line; undefined when the example did what its page says. */
function problem(outcome: Outcome): string | undefined {
  const { example, exitCode, status } = outcome;
  const where = `${example.file}:${example.line} \`${example.command}\``;
  if (exitCode !== 0) return `${where} exited ${exitCode ?? '(never ran)'}: ${outcome.output.slice(-300)}`;
  if (status === undefined) return undefined; // no curl of its own, or one that writes its own -w
  const wanted = example.expectedStatus;
  if (wanted !== undefined ? status !== wanted : status < 200 || status >= 300) {
    return `${where} answered ${status}${wanted ? ` (the page says ${wanted})` : ''}: ${outcome.output.slice(-300)}`;
  }
  return undefined;
}

describe('every curl and npm run example in README.md and docs/*.md', () => {
  let platform: CliPlatform;

  beforeAll(async () => {
    // As docs/fault-injection.md says to start it for its examples (and ids.md's clock step).
    platform = await startCliPlatform({ FAULTS_ENABLED: 'true' });
  }, 180_000);

  afterAll(async () => {
    if (platform?.child.exitCode === null) await platform.interrupt(60_000);
  });

  it('does on the running platform what its page says', async () => {
    const problems: string[] = [];
    const skipped: string[] = [];
    let ran = 0;
    for (const file of DOC_FILES) {
      const all = extractExamples(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), file);
      for (const example of all) {
        const why = notRunHere(example);
        if (why) skipped.push(`${file}:${example.line} ${example.command.split(' -- ')[0]} (${why})`);
      }
      const runnable = all.filter((example) => notRunHere(example) === undefined);
      if (runnable.length === 0) continue;
      for (const outcome of await runExamples(runnable, platform)) {
        ran++;
        const found = problem(outcome);
        if (found) problems.push(found);
      }
    }
    process.stdout.write(
      `  [measured] docs examples: ${ran} run against the platform, ${problems.length} wrong; ` +
        `${skipped.length} run by other CI steps:\n${skipped.map((line) => `    ${line}`).join('\n')}\n`,
    );
    expect(problems).toEqual([]);
    expect(ran).toBeGreaterThan(20);
  }, 300_000);
});
