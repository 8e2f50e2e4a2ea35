import { describe, expect, it } from '@jest/globals';

import { ScenarioError } from '../loadgen.errors.js';
import { compileTemplate } from './template.js';

describe(compileTemplate.name, () => {
  it('keeps text without placeholders as a constant', () => {
    const template = compileTemplate('/api/ids/snowflake?count=1', 'path');
    expect(template.constant).toBe('/api/ids/snowflake?count=1');
  });

  it('fills {seq}, {uuid} and {randomInt:MIN:MAX} anew for every request', () => {
    const template = compileTemplate('u-{seq}/{uuid}/{randomInt:-2:2}', 'path');
    expect(template.constant).toBeUndefined();
    const seen = new Set<string>();
    for (let seq = 0; seq < 500; seq++) {
      const [user, uuid, n] = template.render({ seq }).split('/');
      expect(user).toBe(`u-${seq}`);
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(n!);
    }
    expect([...seen].sort()).toEqual(['-1', '-2', '0', '1', '2']);
  });

  it('reads {{ as a literal brace', () => {
    expect(compileTemplate('{{"a":{seq}}', 'body').render({ seq: 7 })).toBe('{"a":7}');
  });

  it.each([
    ['{user}', /path: unknown placeholder \{user\}; use \{uuid\}, \{seq\} or \{randomInt:MIN:MAX\}/],
    ['{seq:1}', /unknown placeholder \{seq:1\}/],
    ['{randomInt:1}', /\{randomInt:1\} needs two whole numbers, e.g. \{randomInt:1:1000\}/],
    ['{randomInt:a:b}', /needs two whole numbers/],
    ['{randomInt:1.5:3}', /needs two whole numbers/],
    ['{randomInt:9:1}', /has MIN greater than MAX/],
    ['/users/{seq', /path: "\{" at position 7 is never closed/],
  ])('refuses %s with a message naming the field', (text, message) => {
    expect(() => compileTemplate(text, 'path')).toThrow(ScenarioError);
    expect(() => compileTemplate(text, 'path')).toThrow(message);
  });
});
