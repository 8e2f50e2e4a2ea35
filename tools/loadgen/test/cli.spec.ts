import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { SHARED_MACHINE_LIMITS, startTarget, type Target } from './target.js';

// The command line as `npm run load -- …` runs it (the built dist/cli.js): exit codes, the report
// on stdout, the progress line on stderr, the JSON and HTML files.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run load (dist/cli.js)', () => {
  let target: Target;
  let dir: string;
  beforeAll(async () => {
    target = await startTarget();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadgen-cli-'));
  });
  afterAll(async () => {
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 with what to fix for a usage error', async () => {
    const { code, stderr } = await cli(['--url', target.url, '--rate', '-3']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'loadgen: --rate is followed by something that looks like an option; to pass a value starting with "-", write --rate=<value>',
    );
    const scenario = await cli(['--scenario', '/nonexistent.json', '--rate', '5']);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toContain('cannot read scenario file /nonexistent.json');
  });

  it('exits 0 for a valid run, with progress, a report, and JSON and HTML files', async () => {
    const json = path.join(dir, 'out.json');
    const html = path.join(dir, 'out.html');
    // As in generator-limit.spec.ts: a busy machine may make a run INVALID (exit 3); up to 3 tries,
    // with the limits that allow a shared machine's scheduling noise.
    let run = await validRun(json, html);
    for (let i = 1; i < 3 && run.code === 3; i++) run = await validRun(json, html);
    const { code, stdout, stderr } = run;
    // On failure, the verdict's lines show.
    const verdict = stdout.split('\n').filter((line) => /^(INVALID| {2}- )/.test(line));
    expect({ code, verdict }).toEqual({ code: 0, verdict: [] });
    expect(stderr).toMatch(/\[1\/3 s\] sent \d+ {2}rate \d+\/250 req\/s/);
    expect(stdout).toContain('VALID: the generator kept up');
    const report = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      valid: boolean;
      totals: { sent: number };
      latencyMs: { corrected: { p99: number } };
      timeline: unknown[];
    };
    expect(report.valid).toBe(true);
    expect(report.totals.sent).toBe(750);
    expect(report.latencyMs.corrected.p99).toBeGreaterThan(0);
    expect(report.timeline.length).toBeGreaterThanOrEqual(2);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org|127\.0\.0\.1)/);
  });

  const validRun = (json: string, html: string) =>
    cli([
      '--url',
      `${target.url}/items/{seq}`,
      '--rate',
      '250',
      '--duration',
      '3s',
      '--warmup',
      '1s',
      '--nice=-10',
      '--max-lateness',
      `${SHARED_MACHINE_LIMITS.maxLatenessP99Ms}ms`,
      '--max-loop-delay',
      `${SHARED_MACHINE_LIMITS.maxLoopDelayP99Ms}ms`,
      '--json',
      json,
      '--html',
      html,
    ]);

  it('exits 3 for a run the generator could not hold', async () => {
    const { code, stdout } = await cli([
      '--url',
      target.url,
      '--rate',
      '200000',
      '--duration',
      '2s',
      '--warmup',
      '0s',
      '--connections',
      '64',
    ]);
    expect(code).toBe(3);
    expect(stdout).toContain('INVALID: the generator, not the target, was the limit');
  });
});
