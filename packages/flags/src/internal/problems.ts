/**
 * The pieces every validator here shares: a list of problems with field paths a person can act on
 * (`rules[1].conditions[0].operator`, `variants.on`), and short renderings of the offending values.
 */

export interface FieldProblem {
  /** Where: a path such as `rules[1].conditions[0].operator`; empty for the definition as a whole. */
  readonly field: string;
  /** What is wrong, in words that say what to change. */
  readonly problem: string;
}

export type JsonObject = { readonly [key: string]: unknown };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `path.name`, or `path["a.b"]` when the name is not a plain identifier. */
export function fieldPath(path: string, name: string): string {
  if (!IDENTIFIER.test(name)) return `${path}[${JSON.stringify(name)}]`;
  return path === '' ? name : `${path}.${name}`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** A short rendering of a value for a message: `'between'`, `42`, `an object`, `nothing`. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}

/** Names joined: `on, off`. */
export function list(names: Iterable<string>): string {
  return [...names].join(', ');
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems; the check helpers return the value when it is acceptable, else undefined. */
export class ProblemList {
  readonly problems: FieldProblem[] = [];

  add(field: string, problem: string): void {
    this.problems.push({ field, problem });
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }

  /** An object with only `allowed` fields; each unknown field is a problem of its own. */
  object(value: unknown, path: string, what: string, allowed: readonly string[]): JsonObject | undefined {
    if (!isObject(value)) {
      this.add(path, `must be ${what}; got ${show(value)}`);
      return undefined;
    }
    this.unknownFields(value, path, allowed);
    return value;
  }

  /** Each field of `value` not in `allowed` is a problem of its own. */
  unknownFields(value: JsonObject, path: string, allowed: readonly string[]): void {
    for (const name of Object.keys(value)) {
      if (!allowed.includes(name)) {
        this.add(fieldPath(path, name), `unknown field '${name}'; allowed: ${list(allowed)}`);
      }
    }
  }

  /** A string of 1..max characters, optionally matching `pattern` (described by `rule`). */
  string(
    value: unknown,
    path: string,
    options: { max: number; pattern?: RegExp; rule?: string; required?: boolean },
  ): string | undefined {
    if (value === undefined && options.required === false) return undefined;
    if (typeof value !== 'string') {
      this.add(path, `${value === undefined ? 'is required and ' : ''}must be a string; got ${show(value)}`);
      return undefined;
    }
    if (value.length === 0 || value.length > options.max) {
      this.add(path, `must be 1-${options.max} characters; got ${value.length}`);
      return undefined;
    }
    if (options.pattern && !options.pattern.test(value)) {
      this.add(path, `${options.rule ?? `must match ${options.pattern.source}`}; got ${show(value)}`);
      return undefined;
    }
    return value;
  }

  /** An array of at most `max` entries (at least `min`). */
  array(
    value: unknown,
    path: string,
    options: { min: number; max: number; what: string },
  ): readonly unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.add(path, `must be an array of ${options.what}; got ${show(value)}`);
      return undefined;
    }
    if (value.length < options.min) {
      this.add(
        path,
        options.min === 1
          ? `must not be empty: list at least one of the ${options.what}`
          : `must have at least ${options.min} ${options.what}; got ${value.length}`,
      );
      return undefined;
    }
    if (value.length > options.max) {
      this.add(path, `must have at most ${options.max} ${options.what}; got ${value.length}`);
      return undefined;
    }
    return value as readonly unknown[];
  }
}

/** Keys of flags and segments. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const KEY_RULE =
  "must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";
