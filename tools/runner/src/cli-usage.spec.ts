import { describe, expect, it } from '@jest/globals';

import { parseArgs } from 'node:util';

import { asksForHelp, parseOrUsage, UsageError } from './cli-usage.js';

describe(parseOrUsage.name, () => {
  const options = { quiet: { type: 'boolean' }, port: { type: 'string' } } as const;
  const parseCommandArgs = (args: string[]) => parseOrUsage(() => parseArgs({ args, options }));

  it('parses what it knows', () => {
    expect(parseCommandArgs(['--quiet', '--port', '1']).values).toEqual({
      quiet: true,
      port: '1',
    });
  });

  it("turns Node's unknown-option error into one line naming the option", () => {
    const parse = () => parseCommandArgs(['--qiuet']);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow("Unknown option '--qiuet'");
    expect(() => parse()).not.toThrow(/positional argument/);
  });

  it('says which option lacks its value', () => {
    expect(() => parseCommandArgs(['--port'])).toThrow(/--port/);
  });

  it('refuses a stray argument', () => {
    expect(() => parseCommandArgs(['extra'])).toThrow("Unexpected argument 'extra'");
  });
});

describe(asksForHelp.name, () => {
  it('finds --help, -h or help anywhere', () => {
    expect(asksForHelp(['--scale', 'a=1', '--help'])).toBe(true);
    expect(asksForHelp(['-h'])).toBe(true);
    expect(asksForHelp(['help'])).toBe(true);
    expect(asksForHelp(['--quiet'])).toBe(false);
  });
});
