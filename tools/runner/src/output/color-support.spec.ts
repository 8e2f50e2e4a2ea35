import { describe, expect, it } from '@jest/globals';

import { painter, wantsColor } from './color-support.js';

const terminal = { isTTY: true };
const pipe = { isTTY: false };

describe(wantsColor.name, () => {
  it('colours a terminal and not a pipe or a file', () => {
    expect(wantsColor(terminal, {})).toBe(true);
    expect(wantsColor(pipe, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
  });

  it('turns colour off with a non-empty NO_COLOR, and on a dumb terminal', () => {
    expect(wantsColor(terminal, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(terminal, { NO_COLOR: '' })).toBe(true);
    expect(wantsColor(terminal, { TERM: 'dumb' })).toBe(false);
  });

  it('follows FORCE_COLOR either way, before NO_COLOR and the stream', () => {
    expect(wantsColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(wantsColor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(wantsColor(terminal, { FORCE_COLOR: '0' })).toBe(false);
    expect(wantsColor(terminal, { FORCE_COLOR: 'false' })).toBe(false);
  });
});

describe(painter.name, () => {
  it('styles text with ANSI codes when colour is on, whatever the stream', () => {
    expect(painter(true)('red', 'boom')).toBe('\u001b[31mboom\u001b[39m');
  });

  it('leaves text as it is when colour is off', () => {
    expect(painter(false)('red', 'boom')).toBe('boom');
  });
});
