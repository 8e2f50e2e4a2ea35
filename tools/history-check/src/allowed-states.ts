import type { RecordedOperation, UserFields, UserOperation } from './user-history.js';

/** A user's state: its fields, or absent (deleted, or never created). */
export type UserState = UserFields | null;

/**
 * The final states one user's history allows. An acknowledged operation applies to every state that
 * was possible before it; a failed one to none; one whose outcome is unknown may or may not have
 * applied, so both stay possible. The result is what the database may hold once all is quiet: any
 * other state is a lost acknowledged write (or one that happened without being asked for).
 */
export function allowedStates(operations: readonly RecordedOperation[]): UserState[] {
  let states: UserState[] = [null];
  for (const { operation, outcome } of operations) {
    if (outcome === 'failed') continue;
    const applied = states.map((state) => apply(state, operation));
    states = dedupe(outcome === 'ok' ? applied : [...states, ...applied]);
  }
  return states;
}

function apply(state: UserState, operation: UserOperation): UserState {
  switch (operation.kind) {
    case 'create':
      return state ?? operation.fields;
    case 'update':
      return state && { email: operation.email ?? state.email, name: operation.name ?? state.name };
    case 'delete':
      return null;
  }
}

export function sameState(a: UserState, b: UserState): boolean {
  return a === b || (a !== null && b !== null && a.email === b.email && a.name === b.name);
}

function dedupe(states: UserState[]): UserState[] {
  return states.filter((state, i) => states.findIndex((other) => sameState(other, state)) === i);
}
