export type Admission = 'admit' | 'shed' | 'overloaded';

/**
 * Keeps the gateway's capacity for what matters when it is overloaded: past `shedAt` requests in
 * flight, non-essential routes are turned away at once (they cost nothing); past `max`, everything
 * is. Essential routes keep the capacity between the two.
 */
export class LoadShedder {
  private inflight = 0;
  private readonly shedAt: number;

  constructor(
    private readonly max: number,
    shedNonEssentialShare: number,
  ) {
    this.shedAt = Math.max(1, Math.floor(max * shedNonEssentialShare));
  }

  /** Decides for one request; when admitted, call the returned `done` once it finishes. */
  admit(essential: boolean): { admission: Admission; done: () => void } {
    if (this.inflight >= this.max) return { admission: 'overloaded', done: noop };
    if (!essential && this.inflight >= this.shedAt) return { admission: 'shed', done: noop };
    this.inflight++;
    let finished = false;
    return {
      admission: 'admit',
      done: () => {
        if (!finished) {
          finished = true;
          this.inflight--;
        }
      },
    };
  }

  get inFlight(): number {
    return this.inflight;
  }
}

function noop(): void {}
