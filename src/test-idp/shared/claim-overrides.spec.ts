import { describe, it } from 'node:test';
import { expect } from 'expect';
import { fixedClaimsIn, withOverrides } from './claim-overrides';

describe('claim overrides of the token shortcuts', () => {
  it('adds, replaces and removes claims', () => {
    const base = { iss: 'https://idp/', scope: 'a', aud: 'x', jti: 'j' };
    expect(withOverrides(base, { scope: 'b', extra: { nested: true }, jti: null })).toEqual({
      iss: 'https://idp/',
      scope: 'b',
      aud: 'x',
      extra: { nested: true },
    });
  });

  it('never changes iss or exp, and names them when a caller tries', () => {
    const base = { iss: 'https://idp/', exp: 100 };
    expect(withOverrides(base, { iss: 'https://evil/', exp: 1 })).toEqual(base);
    expect(fixedClaimsIn({ iss: 'x', exp: 1, aud: 'y' })).toEqual(['iss', 'exp']);
    expect(fixedClaimsIn({ aud: 'y' })).toEqual([]);
  });

  it('keeps the base as it was', () => {
    const base = { scope: 'a' };
    withOverrides(base, { scope: 'b' });
    expect(base).toEqual({ scope: 'a' });
  });
});
