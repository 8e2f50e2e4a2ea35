#!/usr/bin/env node
/**
 * `npm run load -- …`: the platform's load generator. Parses and checks the options, runs the load
 * with a live progress line on stderr, prints the report on stdout, writes --json and --html, and
 * exits 0 (valid), 1 (the generator failed), 2 (usage), 3 (INVALID run) or 4 (the target failed).
 */
import fs from 'node:fs';

import { parseCliArgs, USAGE } from './cli/cli-args.js';
import { isLoadgenInputError } from './loadgen.errors.js';
import { renderHtmlReport } from './report/html-report.js';
import { toJsonReport } from './report/json-report.js';
import { formatProgress, renderTextReport } from './report/text-report.js';
import { runLoad } from './run/run-load.js';

export const EXIT = Object.freeze({ valid: 0, failed: 1, usage: 2, invalid: 3, targetFailing: 4 });

async function main(args: readonly string[]): Promise<number> {
  const command = parseCliArgs(args);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.valid;
  }
  const { plan } = command;
  const tty = process.stderr.isTTY === true;
  const say = (line: string) => process.stderr.write(tty ? `\r\u001b[K${line}` : `${line}\n`);
  if (!command.quiet) {
    const what = plan.model === 'open' ? `${plan.rate} req/s` : `${plan.connections} closed-loop clients`;
    process.stderr.write(
      `loadgen: ${what} for ${plan.durationMs / 1000} s (+${plan.warmupMs / 1000} s warm-up), ` +
        `${plan.workers} worker(s), ${command.scenarioSource} → ${plan.target}\n`,
    );
  }

  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping (Ctrl-C again to quit at once); reporting what was measured\n');
    controller.abort();
  });
  const result = await runLoad(plan, {
    signal: controller.signal,
    onProgress: command.quiet ? undefined : (progress) => say(formatProgress(progress)),
  });
  if (!command.quiet && tty) process.stderr.write('\n');

  process.stdout.write(`${renderTextReport(result)}\n`);
  if (command.jsonFile) {
    fs.writeFileSync(command.jsonFile, `${JSON.stringify(toJsonReport(result))}\n`);
    if (!command.quiet) process.stderr.write(`JSON report: ${command.jsonFile}\n`);
  }
  if (command.htmlFile) {
    fs.writeFileSync(command.htmlFile, renderHtmlReport(result));
    if (!command.quiet) process.stderr.write(`HTML report: ${command.htmlFile}\n`);
  }
  if (!result.verdict.valid) return EXIT.invalid;
  return result.verdict.targetFailing ? EXIT.targetFailing : EXIT.valid;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (isLoadgenInputError(error)) {
      process.stderr.write(`loadgen: ${error.message}\n(npm run load -- --help lists every option)\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`loadgen failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = EXIT.failed;
    }
  },
);
