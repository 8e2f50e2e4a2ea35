/**
 * What a new service is called everywhere, from the one name given to `npm run new-service`: the
 * route segment and table are the plural (`orders`), the app `orders-service`, a row an `order`.
 */
export interface ServiceNames {
  /** The route segment: the gateway routes `/api/<name>/…` to the service. */
  readonly name: string;
  readonly plural: string;
  readonly singular: string;
  /** The directory under apps/ and the service's name in the registry. */
  readonly service: string;
  /** Its database on the platform's PostgreSQL server a. */
  readonly database: string;
}

/** Segments the gateway keeps for itself or that would read badly as a service. */
const RESERVED = new Set(['admin', 'api', 'docs', 'health', 'metrics', 'openapi.json', 'service']);

/** Why `name` cannot be a new service's name, or undefined if it can. */
export function nameProblem(name: string): string | undefined {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    return `"${name}" is not a name: use lower-case letters and digits, words joined by "-", starting with a letter (e.g. orders)`;
  }
  if (name.length > 30) return `"${name}" is longer than 30 characters`;
  if (name.endsWith('-service') || name === 'service') {
    return `give the name without "-service" ("${name.replace(/-?service$/, '') || 'orders'}"): the app is called <name>-service`;
  }
  if (RESERVED.has(name)) return `"${name}" is reserved by the gateway`;
  return undefined;
}

export function serviceNames(name: string): ServiceNames {
  const problem = nameProblem(name);
  if (problem) throw new Error(problem);
  return {
    name,
    plural: name,
    singular: singularOf(name),
    service: `${name}-service`,
    database: name.replaceAll('-', '_'),
  };
}

/** English plural to singular for the last word, for the usual endings; unchanged otherwise. */
export function singularOf(name: string): string {
  const words = name.split('-');
  const last = words.pop()!;
  let singular = last;
  if (/ies$/.test(last) && last.length > 4) singular = `${last.slice(0, -3)}y`;
  else if (/(ses|xes|zes|ches|shes)$/.test(last)) singular = last.slice(0, -2);
  else if (/[^su]s$/.test(last)) singular = last.slice(0, -1);
  return [...words, singular].join('-');
}
