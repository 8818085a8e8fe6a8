import { describe, it } from 'node:test';
import { expect } from 'expect';
import { atHash } from './id-token';

describe('at_hash', () => {
  it('is the example of OpenID Connect Core Appendix A.3 for its access token', () => {
    expect(atHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });

  it('is the left 128 bits of the SHA-256, 22 base64url characters without padding', () => {
    // SHA-256("abc") starts ba7816bf 8f01cfea 414140de 5dae2223.
    expect(atHash('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223', 'hex').toString('base64url'));
    expect(atHash('abc')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses an empty or missing access token with a clear error', () => {
    for (const token of ['', undefined, null, 42, ['a']])
      expect(() => atHash(token as string)).toThrow(new TypeError('at_hash needs the access token, a non-empty string'));
  });
});
