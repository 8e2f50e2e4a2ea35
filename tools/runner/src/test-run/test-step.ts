/** One step of `npm test`: a command run from the repository root; its exit code says pass or fail. */
export interface TestStep {
  readonly title: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment for this step. */
  readonly env?: Readonly<Record<string, string>>;
}
