import { describe, expect, it } from '@jest/globals';

import { FailureLines } from './failure-lines.js';

describe('FailureLines', () => {
  it("keeps jest's FAIL and test headings and turbo's Failed line, nothing else", () => {
    const seen = new FailureLines();
    seen.push('@platform/flags:test: PASS @platform/flags src/a.spec.ts\n');
    seen.push('@platform/flags:test: FAIL @platform/flags test/integration/b.spec.ts (12 s)\n');
    seen.push('@platform/flags:test:   ● store › keeps every write\n');
    seen.push('@platform/flags:test:   ● Console\n');
    seen.push('  Failed:    @platform/flags#test\n');
    expect(seen.lines()).toEqual([
      '@platform/flags:test: FAIL @platform/flags test/integration/b.spec.ts (12 s)',
      '@platform/flags:test:   ● store › keeps every write',
      '  Failed:    @platform/flags#test',
    ]);
  });

  it('judges a line split across chunks once whole, and strips colour', () => {
    const seen = new FailureLines();
    seen.push('x:test: \u001b[41mFA');
    seen.push('IL\u001b[49m src/c.spec.ts\nnext');
    expect(seen.lines()).toEqual(['x:test: FAIL src/c.spec.ts']);
  });

  it('keeps each line once and says how many it left out past the limit', () => {
    const seen = new FailureLines(2);
    seen.push('FAIL a\nFAIL a\nFAIL b\nFAIL c\nFAIL d\n');
    expect(seen.lines()).toEqual(['FAIL a', 'FAIL b', '… and 2 more']);
  });

  it('keeps nothing from a run that passed', () => {
    const seen = new FailureLines();
    seen.push('Tests: 12 passed, 12 total\nfailed requests: 0\n');
    expect(seen.lines()).toEqual([]);
  });
});
