import { describe, expect, it } from '@jest/globals';

import { CallerGaveUp, judgeAnswer, sparingCallerAborts } from './whose-fault.js';

describe(judgeAnswer.name, () => {
  it.each([
    [200, {}, 'success'],
    // A 4xx is the request's fault, whatever the header says.
    [404, { 'x-failure-origin': 'dependency' }, 'success'],
    [503, {}, 'http_error'],
    [500, { 'x-failure-origin': 'somewhere' }, 'http_error'],
    [503, { 'x-failure-origin': 'dependency' }, 'dependency_error'],
    [504, { 'x-failure-origin': ['dependency'] }, 'dependency_error'],
  ])('judges %i with headers %j as %s', (statusCode, headers, verdict) => {
    expect(judgeAnswer({ statusCode, headers })).toBe(verdict);
  });
});

describe(sparingCallerAborts.name, () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

  it('passes an answer on unchanged', async () => {
    await expect(sparingCallerAborts(Promise.resolve(7), () => true)).resolves.toBe(7);
  });

  it('turns the rejection of a call the caller gave up on into a CallerGaveUp carrying it', async () => {
    const aborted = new DOMException('the caller went away', 'AbortError');
    const settled = await sparingCallerAborts(Promise.reject(aborted), () => true);
    expect(settled).toBeInstanceOf(CallerGaveUp);
    expect(settled.error).toBe(aborted);
  });

  it('lets any other rejection through', async () => {
    await expect(sparingCallerAborts(Promise.reject(refused), () => false)).rejects.toBe(refused);
  });
});
