import type { EvaluationContext } from '../evaluation.js';
import type { AttributeCondition, ConditionValue } from '../flag.js';
import { compilePattern } from './pattern.compiler.js';

/** A compiled condition: true when it holds for the context. */
export type Predicate = (context: EvaluationContext) => boolean;

/**
 * Turns a validated attribute condition into a predicate: sets built, regexes compiled and values
 * typed once, so evaluating allocates nothing. A missing attribute, or one that is not a string,
 * number or boolean, makes every operator false (see `OPERATORS`).
 */
export function compileAttributeCondition(condition: AttributeCondition): Predicate {
  const { attribute, values } = condition;
  switch (condition.operator) {
    case 'in': {
      const set = new Set<unknown>(values);
      return (context) => set.has(context[attribute]);
    }
    case 'notIn': {
      const set = new Set<unknown>(values);
      return (context) => {
        const value = context[attribute];
        return isScalar(value) && !set.has(value);
      };
    }
    case 'equals': {
      const expected = values[0] as ConditionValue;
      return (context) => context[attribute] === expected;
    }
    case 'notEquals': {
      const expected = values[0] as ConditionValue;
      return (context) => {
        const value = context[attribute];
        return isScalar(value) && value !== expected;
      };
    }
    case 'startsWith':
      return anyString(attribute, values as readonly string[], (value, prefix) => value.startsWith(prefix));
    case 'endsWith':
      return anyString(attribute, values as readonly string[], (value, suffix) => value.endsWith(suffix));
    case 'contains':
      return anyString(attribute, values as readonly string[], (value, part) => value.includes(part));
    case 'matches': {
      // RE2, linear in the value's length. A pattern it cannot run (stored before patterns were
      // checked against RE2) never matches: see `unusablePatterns`.
      const tests: ((value: string) => boolean)[] = [];
      for (const source of values as readonly string[]) {
        const compiled = compilePattern(source);
        if (compiled.ok) tests.push(compiled.test);
      }
      if (tests.length === 0) return never;
      return (context) => {
        const value = context[attribute];
        if (typeof value !== 'string') return false;
        for (const test of tests) if (test(value)) return true;
        return false;
      };
    }
    case 'lt': {
      const bound = values[0] as number;
      return (context) => {
        const value = context[attribute];
        return typeof value === 'number' && value < bound;
      };
    }
    case 'lte': {
      const bound = values[0] as number;
      return (context) => {
        const value = context[attribute];
        return typeof value === 'number' && value <= bound;
      };
    }
    case 'gt': {
      const bound = values[0] as number;
      return (context) => {
        const value = context[attribute];
        return typeof value === 'number' && value > bound;
      };
    }
    case 'gte': {
      const bound = values[0] as number;
      return (context) => {
        const value = context[attribute];
        return typeof value === 'number' && value >= bound;
      };
    }
  }
}

function never(): boolean {
  return false;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function anyString(
  attribute: string,
  parts: readonly string[],
  test: (value: string, part: string) => boolean,
): Predicate {
  if (parts.length === 1) {
    const part = parts[0] as string;
    return (context) => {
      const value = context[attribute];
      return typeof value === 'string' && test(value, part);
    };
  }
  return (context) => {
    const value = context[attribute];
    if (typeof value !== 'string') return false;
    for (const part of parts) if (test(value, part)) return true;
    return false;
  };
}
