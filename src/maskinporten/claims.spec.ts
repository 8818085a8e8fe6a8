import { describe, it } from 'node:test';
import { expect } from 'expect';
import { InvalidTokenError } from '../common/errors';
import { platformClaims, readMaskinportenClaims, scopeAllowsOrgClaim } from './claims';

const consumer = { authority: 'iso6523-actorid-upis', ID: '0192:974760673' };

describe('Maskinporten claims', () => {
  it('reads the org number from the consumer', () => {
    expect(readMaskinportenClaims({ scope: 'a', consumer }).orgNumber).toBe('974760673');
  });

  it('copies only the consumer authority and ID, never extra members', () => {
    const claims = platformClaims(readMaskinportenClaims({ scope: 'a', consumer: { ...consumer, extra: 'x' } }), undefined);
    expect(claims.consumer).toEqual(consumer);
    expect(claims).not.toHaveProperty('org');
  });

  it('refuses non-string optional claims', () => {
    expect(() => readMaskinportenClaims({ scope: 'a', consumer, client_id: 5 })).toThrow(InvalidTokenError);
  });

  it('allows the org claim only for a scope starting with the configured one', () => {
    expect(scopeAllowsOrgClaim('x altinn:serviceowner/instances.read', 'altinn:serviceowner')).toBe(true);
    expect(scopeAllowsOrgClaim('x:altinn:serviceowner', 'altinn:serviceowner')).toBe(false);
    expect(scopeAllowsOrgClaim('anything', undefined)).toBe(true);
  });
});
