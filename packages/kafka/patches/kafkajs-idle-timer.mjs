#!/usr/bin/env node
/**
 * Fixes a timer of kafkajs 2.2.4 (its last release) in the installed copy; `npm install` runs it
 * (the root package's postinstall), and so does the Dockerfile, which installs without scripts.
 *
 * The fault: after every response, each broker connection's request queue re-arms a timer to look
 * at its queue of waiting requests, even when nothing waits. Unthrottled, the delay it computes is
 * "throttled until -1" minus now: minus the time since 1970. Node runs such a timer after 1 ms, so
 * every open connection looks at an empty queue about a thousand times a second for as long as it
 * is open (kafkajs issue 1704), and Node 23 and later also print a TimeoutNegativeWarning once per
 * process (kafkajs issue 1751). Neither has a fix released upstream.
 *
 * The fix: no timer while nothing waits. A request that has to wait (throttled, or too many in
 * flight) is queued by push(), which arms the timer itself; nothing else needs it.
 *
 * It changes one method, checks the version it was written against, does nothing the second time,
 * and fails the install, saying why, if the code it expects is not there.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const VERSION = '2.2.4';
const FILE = 'src/network/requestQueue/index.js';
const METHOD = '  scheduleCheckPendingRequests() {\n';
const MARKER = '@platform/kafka: no timer while nothing waits';
const GUARD = `    // ${MARKER} (packages/kafka/patches/kafkajs-idle-timer.mjs)\n    if (this.pending.length === 0) return\n`;

/** Applies the fix to the kafkajs in `dir`; returns what it did, throws when it cannot. */
export function patchKafkajs(dir) {
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const file = path.join(dir, FILE);
  const source = fs.readFileSync(file, 'utf8');
  if (source.includes(MARKER)) return `kafkajs ${version}: already fixed (${file})`;
  if (version !== VERSION || source.split(METHOD).length !== 2) {
    throw new Error(
      `kafkajs ${version} is not the ${VERSION} that packages/kafka/patches/kafkajs-idle-timer.mjs fixes ` +
        `(${file}): check whether the new version still re-arms its request queue's timer while nothing ` +
        'waits (kafkajs issues 1704 and 1751), then update or remove this script and its postinstall',
    );
  }
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, source.replace(METHOD, METHOD + GUARD));
  fs.renameSync(temporary, file);
  return `kafkajs ${version}: fixed the request queue's idle timer (${file})`;
}

/** The kafkajs that code run from `dir` loads (the workspace root: one hoisted copy for all). */
export function kafkajsDir(dir) {
  return path.dirname(createRequire(path.join(dir, 'package.json')).resolve('kafkajs/package.json'));
}

// Run as a script (not imported by its spec): fix the kafkajs of the directory it runs in.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(`${patchKafkajs(kafkajsDir(process.argv[2] ?? process.cwd()))}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
