/**
 * What a failed step of `npm test` said about its failures, kept so the run's last lines name them.
 * CI shows only the tail of a 30-minute log; without this, a failed jest test printed ten minutes
 * earlier is out of sight and the tail says no more than "FAIL tests of every workspace".
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** jest's "FAIL <file>", its "● <suite> › <test>" headings (not "● Console"), and turbo's "Failed:". */
const FAILURE = /(^|\s)(FAIL\s+\S|●\s+(?!Console\b)\S|Failed:\s)/;

export class FailureLines {
  private readonly kept: string[] = [];
  private partial = '';
  private dropped = 0;

  constructor(private readonly limit = 40) {}

  /** Feeds output as it comes; a line split across chunks is judged once whole. */
  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.judge(line);
  }

  /** The failure lines seen, in order; the last says how many more were left out. */
  lines(): string[] {
    if (this.partial) {
      this.judge(this.partial);
      this.partial = '';
    }
    return this.dropped ? [...this.kept, `… and ${this.dropped} more`] : [...this.kept];
  }

  private judge(raw: string): void {
    const line = raw.replace(ANSI, '').replace(/\r$/, '').trimEnd();
    if (!FAILURE.test(line)) return;
    if (this.kept.includes(line)) return;
    if (this.kept.length < this.limit) this.kept.push(line);
    else this.dropped += 1;
  }
}
