/**
 * The shell examples of README.md and docs/*.md, as a reader would type them: every `curl` and
 * `npm run` line of a ```bash block, and every such `$ ` line of a ```console transcript (the lines
 * after it are the output it recorded), with the HTTP status a trailing comment promises (`# 413`).
 */
export interface DocExample {
  readonly file: string;
  readonly line: number;
  readonly command: string;
  /** The status the example's comment names (`# 400 invalid_path`), if any; else any 2xx. */
  readonly expectedStatus?: number;
}

/** Why an example is not run against the e2e platform: each is run by another CI step. */
export const NOT_RUN_HERE: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /^npm (install|start|test)\b/, why: 'what CI itself runs' },
  { pattern: /^npm run chaos\b/, why: 'npm test runs the short chaos suite' },
  {
    pattern: /^npm run test:compose\b/,
    why: 'it boots docker-compose.yml on podman, by hand (docs/docker-compose.md)',
  },
  {
    pattern: /^npm run new-service\b/,
    why: 'it adds an app to the checkout: new-service.e2e.spec.ts runs it in a copy, and starts what it made',
  },
  {
    pattern: /^npm run check:history\b/,
    why: 'a check of minutes, one platform per seed, by hand (docs/data-safety.md)',
  },
  { pattern: /^npm run dev\b/, why: 'dev.e2e.spec.ts runs it, changes a source and watches the roll' },
  { pattern: /^npm run load\b(?!.*--help)/, why: 'a load run of minutes; the loadgen tests drive it' },
  {
    pattern: /^npm run release -- (start|promote|abort)\b/,
    why: 'releases.e2e.spec.ts runs each strategy, promote and abort under load',
  },
];

const SHELL_FENCE = /^```(bash|sh|shell|console)\s*$/;

/** The runnable examples of one markdown file, continuation lines joined. */
export function extractExamples(markdown: string, file: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = markdown.split('\n');
  let inBlock = false;
  let transcript = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!inBlock) {
      const fence = SHELL_FENCE.exec(raw.trim());
      inBlock = fence !== null;
      transcript = fence?.[1] === 'console';
      continue;
    }
    if (raw.trim().startsWith('```')) {
      inBlock = false;
      continue;
    }
    // In a transcript only the prompted lines are commands; the others are what they printed.
    if (transcript && !raw.startsWith('$ ')) continue;
    const start = i;
    let text = transcript ? raw.slice(2) : raw;
    while (text.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      text = `${text.trimEnd().slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    }
    const { command, comment } = splitComment(text.trim());
    if (!/(^|\$\(|\s)(curl|npm run)\s/.test(command)) continue;
    const status = /^(\d{3})\b/.exec(comment ?? '');
    examples.push({
      file,
      line: start + 1,
      command,
      ...(status ? { expectedStatus: Number(status[1]) } : {}),
    });
  }
  return examples;
}

/** Splits `cmd  # comment` at the first `#` outside quotes that follows whitespace. */
function splitComment(text: string): { command: string; comment?: string } {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      return { command: text.slice(0, i).trim(), comment: text.slice(i + 1).trim() };
    }
  }
  return { command: text };
}

/** Why `example` is not run here, or undefined when it is. */
export function notRunHere(example: DocExample): string | undefined {
  return NOT_RUN_HERE.find(({ pattern }) => pattern.test(example.command))?.why;
}
