import { randomUUID } from 'node:crypto';

import { ScenarioError } from '../loadgen.errors.js';

/**
 * Placeholders in a path, a header value or a string of a JSON body, filled anew for every request:
 *
 * - `{uuid}`: a random UUID v4;
 * - `{seq}`: the request's sequence number in the run, unique across workers (0, 1, 2…);
 * - `{randomInt:MIN:MAX}`: a uniformly random integer from MIN to MAX inclusive.
 *
 * `{{` stands for a literal `{`. The result is always a string.
 */
export const TEMPLATE_SYNTAX = '{uuid}, {seq} or {randomInt:MIN:MAX} ({{ for a literal {)';

/** What a request's placeholders are filled from. */
export interface TemplateContext {
  readonly seq: number;
}

export interface Template {
  /** The text itself when it has no placeholder (so it can be computed once). */
  readonly constant: string | undefined;
  render(context: TemplateContext): string;
}

type Part = string | ((context: TemplateContext) => string);

/** Parses `text`; throws {@link ScenarioError} naming `where` (a field path or an option). */
export function compileTemplate(text: string, where: string): Template {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, open);
    if (text[open + 1] === '{') {
      literal += '{';
      i = open + 2;
      continue;
    }
    const close = text.indexOf('}', open);
    if (close < 0) {
      throw new ScenarioError(`${where}: "{" at position ${open} is never closed; use ${TEMPLATE_SYNTAX}`);
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push(placeholder(text.slice(open + 1, close), where));
    i = close + 1;
  }
  if (literal) parts.push(literal);
  if (parts.every((part) => typeof part === 'string')) {
    const constant = parts.join('');
    return { constant, render: () => constant };
  }
  return {
    constant: undefined,
    render: (context) => {
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : part(context);
      return out;
    },
  };
}

function placeholder(inner: string, where: string): (context: TemplateContext) => string {
  const [name, ...args] = inner.split(':');
  if (name === 'uuid' && args.length === 0) return () => randomUUID();
  if (name === 'seq' && args.length === 0) return (context) => String(context.seq);
  if (name === 'randomInt') {
    const bounds = args.map((arg) => (/^-?\d+$/.test(arg) ? Number(arg) : Number.NaN));
    const [min, max] = bounds;
    if (
      bounds.length !== 2 ||
      min === undefined ||
      max === undefined ||
      !Number.isSafeInteger(min) ||
      !Number.isSafeInteger(max)
    ) {
      throw new ScenarioError(`${where}: {${inner}} needs two whole numbers, e.g. {randomInt:1:1000}`);
    }
    if (min > max) throw new ScenarioError(`${where}: {${inner}} has MIN greater than MAX`);
    const span = max - min + 1;
    return () => String(min + Math.floor(Math.random() * span));
  }
  throw new ScenarioError(`${where}: unknown placeholder {${inner}}; use ${TEMPLATE_SYNTAX}`);
}
