/**
 * Paths the gateway refuses before routing, because forwarded as they are they could leave
 * `/api/<segment>/` on the service that receives them: `/api/ids/%2e%2e/metrics` would reach the
 * id service's own `/metrics`, `/api/users/%2e%2e/admin/shards` its admin API. A service decodes
 * `%2e%2e` to `..` (and some stacks do it twice), so each segment is looked at raw, decoded once
 * and decoded twice (`%252e` → `%2e` → `.`).
 *
 * Refused: a segment that is `.` or `..` in any of those forms; an encoded `/` or `\` (`%2f`,
 * `%5c`), which a decoding service would split on; a backslash, which some servers read as `/`;
 * NUL and other control characters; and percent-encoding that does not decode. The query string
 * is not looked at: `?q=..` is data. Ids with dots (`/api/users/a.b`, `/api/files/.env`) pass.
 */
export type EdgePathProblem =
  'dot_segment' | 'encoded_separator' | 'backslash' | 'control_character' | 'malformed_encoding';

const SEPARATOR = /[/\\]/;

/** What is wrong with the path of `url` (path and query, as received), or undefined if nothing. */
export function edgePathProblem(url: string): EdgePathProblem | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.includes('\\')) return 'backslash';
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    const forms = decodedForms(raw);
    if (forms === undefined) return 'malformed_encoding';
    for (const form of forms) {
      if (form === '.' || form === '..') return 'dot_segment';
      if (hasControlCharacter(form)) return 'control_character';
      if (form !== raw && SEPARATOR.test(form)) return 'encoded_separator';
    }
  }
  return undefined;
}

/**
 * A segment raw, decoded once and decoded twice; undefined when it does not decode even once. A
 * second decoding that fails is no problem: `100%25` is the id `100%`, and a service decodes once.
 */
function decodedForms(raw: string): readonly string[] | undefined {
  if (!raw.includes('%')) return [raw];
  let once: string;
  try {
    once = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (!once.includes('%')) return [raw, once];
  try {
    return [raw, once, decodeURIComponent(once)];
  } catch {
    return [raw, once];
  }
}

/** NUL to US (0x00–0x1f) and DEL (0x7f): never part of a path a service expects. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
