import type { Endpoint, PickContext, Picker } from './picker.js';

/**
 * Each endpoint in turn. Membership may change between picks; the cursor simply continues, so a
 * new endpoint gets its turn within one cycle and a removed one is never chosen.
 */
export class RoundRobinPicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy = 'round-robin';
  private cursor = 0;

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    const count = endpoints.length;
    for (let step = 0; step < count; step++) {
      const candidate = endpoints[(this.cursor + step) % count]!;
      if (context?.exclude?.has(candidate.id)) continue;
      this.cursor = (this.cursor + step + 1) % count;
      return candidate;
    }
    return undefined;
  }
}
