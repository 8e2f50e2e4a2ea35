import { styleText } from 'node:util';

/**
 * Whether the runner colours what it prints, by the usual conventions: FORCE_COLOR set (to anything
 * but 0 or false) turns colour on even into a pipe, FORCE_COLOR=0 or a non-empty NO_COLOR turns it
 * off, TERM=dumb too; otherwise a terminal gets colour and a pipe or file does not.
 */
export function wantsColor(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env['NO_COLOR']) return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/** A text format of `util.styleText` (a colour or a modifier such as bold). */
export type TextFormat = Parameters<typeof styleText>[0];

/** Styles text, or leaves it as it is when colour is off. */
export type Paint = (format: TextFormat, text: string) => string;

/**
 * `util.styleText` when colour is on: the decision is {@link wantsColor}'s, so node's own look at
 * the stream is turned off (it would undo FORCE_COLOR into a pipe on some versions).
 */
export function painter(color: boolean): Paint {
  return color ? (format, text) => styleText(format, text, { validateStream: false }) : (_, text) => text;
}
