/**
 * Gathers file changes into batches: a batch is handed over once no change has come for `quietMs`.
 * One save is often several events (an editor's write-then-rename, a formatter writing again), and
 * a `git checkout` or search-and-replace touches many files within milliseconds; each of those
 * should be one rebuild, not dozens. A steady trickle of changes would postpone the batch for
 * ever, so a batch is also handed over once its first change is `maxWaitMs` old.
 */
export interface ChangeBatcherOptions {
  readonly quietMs: number;
  readonly maxWaitMs: number;
  /** The workspaces (folders) changed since the last batch, and the files seen changing. */
  readonly onBatch: (batch: ChangeBatch) => void;
}

export interface ChangeBatch {
  readonly workspaces: ReadonlySet<string>;
  readonly files: readonly string[];
}

export class ChangeBatcher {
  private workspaces = new Set<string>();
  private files: string[] = [];
  private quietTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ChangeBatcherOptions) {}

  add(workspace: string, file: string): void {
    this.workspaces.add(workspace);
    if (!this.files.includes(file)) this.files.push(file);
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.flush(), this.options.quietMs);
    this.maxTimer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  /** Drops whatever is pending; nothing is handed over afterwards unless more is added. */
  cancel(): void {
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
    this.quietTimer = undefined;
    this.maxTimer = undefined;
    this.workspaces = new Set();
    this.files = [];
  }

  private flush(): void {
    const batch: ChangeBatch = { workspaces: this.workspaces, files: this.files };
    this.cancel();
    this.options.onBatch(batch);
  }
}
