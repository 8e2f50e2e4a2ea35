import { describe, expect, it } from '@jest/globals';

import { JsonStartOutput } from './json-start-output.js';
import { PrettyStartOutput } from './pretty-start-output.js';
import { chooseLogFormat, createStartOutput } from './start-output.js';

describe(chooseLogFormat.name, () => {
  it('gives a terminal readable lines and a pipe or a file JSON', () => {
    expect(chooseLogFormat(undefined, { isTTY: true })).toBe('pretty');
    expect(chooseLogFormat(undefined, { isTTY: false })).toBe('json');
    expect(chooseLogFormat(undefined, {})).toBe('json');
  });

  it('follows --json-logs or --pretty-logs whatever the stream', () => {
    expect(chooseLogFormat('json', { isTTY: true })).toBe('json');
    expect(chooseLogFormat('pretty', { isTTY: false })).toBe('pretty');
  });
});

describe(createStartOutput.name, () => {
  it('builds the output of the format chosen', () => {
    const base = { color: false, serviceColours: {}, accessLog: false, quiet: false, write: () => undefined };
    expect(createStartOutput({ ...base, format: 'json' })).toBeInstanceOf(JsonStartOutput);
    expect(createStartOutput({ ...base, format: 'pretty' })).toBeInstanceOf(PrettyStartOutput);
  });
});
