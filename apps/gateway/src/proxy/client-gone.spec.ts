import { describe, expect, it } from '@jest/globals';

import { CLIENT_GONE, unlessClientGone } from './client-gone.js';

describe(unlessClientGone.name, () => {
  it('passes a result on, even after the client went away (the answer came first)', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(unlessClientGone(Promise.resolve(201), gone.signal)).resolves.toBe(201);
  });

  it('turns the rejection of a call whose client went away into CLIENT_GONE', async () => {
    const gone = new AbortController();
    const call = new Promise<number>((_resolve, reject) =>
      gone.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
    );
    const result = unlessClientGone(call, gone.signal);
    gone.abort();
    await expect(result).resolves.toBe(CLIENT_GONE);
  });

  it('rethrows a failure while the client is still there: that one is the upstream’s', async () => {
    const failure = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(unlessClientGone(Promise.reject(failure), new AbortController().signal)).rejects.toBe(
      failure,
    );
  });
});
