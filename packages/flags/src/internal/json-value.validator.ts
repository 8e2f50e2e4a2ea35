import { LIMITS } from '../limits.js';
import { fieldPath, indexPath, type ProblemList, show } from './problems.js';

/**
 * Checks that `value` is plain JSON — what survives a round trip through the flags table and the
 * network unchanged: null, booleans, finite numbers, strings, arrays and plain objects of them.
 */
export function checkJsonValue(value: unknown, path: string, problems: ProblemList, depth = 0): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.add(path, `must be a finite number; got ${show(value)}`);
    return;
  }
  if (depth >= LIMITS.valueDepth) {
    problems.add(path, `is nested too deeply (more than ${LIMITS.valueDepth} levels)`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((entry, index) => checkJsonValue(entry, indexPath(path, index), problems, depth + 1));
    return;
  }
  if (typeof value === 'object') {
    // A plain object of any realm (a copy from structuredClone, an object made in a VM context):
    // its prototype is null or an Object.prototype, whose own prototype is null.
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype === null || Object.getPrototypeOf(prototype) === null) {
      for (const [name, entry] of Object.entries(value)) {
        checkJsonValue(entry, fieldPath(path, name), problems, depth + 1);
      }
      return;
    }
  }
  problems.add(
    path,
    `must be a JSON value (null, boolean, number, string, array or object); got ${show(value)}`,
  );
}
