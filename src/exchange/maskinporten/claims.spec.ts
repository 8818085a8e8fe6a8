import { describe, it } from 'node:test';
import { expect } from 'expect';
import { InvalidTokenError } from '../../common/errors';
import { AUTHORIZATION_DETAILS_LIMITS, platformClaims, readMaskinportenClaims, scopeAllowsOrgClaim } from './claims';

const consumer = { authority: 'iso6523-actorid-upis', ID: '0192:974760673' };
const systemUser = {
  type: 'urn:altinn:systemuser',
  systemuser_id: ['a6355a68-86b8-4344-8a81-0248cb461468'],
  systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
  system_id: '974760673_smartcloud',
};

/** The reason an invalid token is refused with. */
function reasonFor(payload: Record<string, unknown>): string | undefined {
  try {
    readMaskinportenClaims({ scope: 'a', consumer, ...payload });
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    return error.reason;
  }
}

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

  it('copies no claim outside the allow-list', () => {
    const claims = platformClaims(
      readMaskinportenClaims({
        scope: 'a',
        consumer,
        aud: 'x',
        iss: 'y',
        jti: 'z',
        client_amr: 'c',
        sid: 's',
        consumer_org: '1',
        pid: '19108000239',
      }),
      undefined,
    );
    expect(Object.keys(claims).sort()).toEqual(
      [
        'scope',
        'consumer',
        'orgNumber',
        'AuthenticateMethod',
        'AuthenticationLevel',
        'urn:altinn:orgNumber',
        'urn:altinn:authenticatemethod',
        'urn:altinn:authlevel',
      ].sort(),
    );
  });

  describe('authorization_details', () => {
    it('copies a system user entry and entries of other types unchanged, the same object', () => {
      const other = { type: 'urn:example:other', nested: { list: [1, 'two', { three: null }] } };
      const details = [systemUser, other];
      const read = readMaskinportenClaims({ scope: 'a', consumer, authorization_details: details });
      expect(read.systemUser).toEqual(systemUser);
      const claims = platformClaims(read, 'brg');
      expect(JSON.stringify(claims.authorization_details)).toBe(JSON.stringify(details));
      expect(claims.consumer).toEqual(consumer);
      expect(claims.orgNumber).toBe(974760673);
    });

    it('keeps unknown members of the system user entry', () => {
      const entry = { ...systemUser, externalRef: 'abc' };
      expect(
        platformClaims(readMaskinportenClaims({ scope: 'a', consumer, authorization_details: [entry] }), undefined).authorization_details,
      ).toEqual([entry]);
    });

    it('refuses a claim that is not a non-empty array of typed objects', () => {
      for (const bad of [
        {},
        'urn:altinn:systemuser',
        [],
        [null],
        ['x'],
        [[systemUser]],
        [{ ...systemUser, type: 7 }],
        [{ systemuser_id: systemUser.systemuser_id }],
        [systemUser, {}],
        [systemUser, { type: '' }],
      ]) {
        expect([bad, reasonFor({ authorization_details: bad })]).toEqual([bad, 'invalid_authorization_details']);
      }
    });

    it('refuses details with no system user entry, or two', () => {
      expect(reasonFor({ authorization_details: [{ type: 'urn:example:other' }] })).toBe('unsupported_authorization_details');
      expect(reasonFor({ authorization_details: [systemUser, systemUser] })).toBe('invalid_authorization_details');
    });

    it('refuses details past the size, entry count and depth bounds', () => {
      const big = { type: 'urn:example:big', blob: 'x'.repeat(AUTHORIZATION_DETAILS_LIMITS.maxJsonLength) };
      expect(reasonFor({ authorization_details: [systemUser, big] })).toBe('invalid_authorization_details');
      const many = Array.from({ length: AUTHORIZATION_DETAILS_LIMITS.maxEntries }, (_, i) => ({ type: `urn:example:${i}` }));
      expect(reasonFor({ authorization_details: [systemUser, ...many] })).toBe('invalid_authorization_details');
      let deep: unknown = 'leaf';
      for (let i = 0; i < 10; i += 1) deep = [deep];
      expect(reasonFor({ authorization_details: [systemUser, { type: 'urn:example:deep', deep }] })).toBe('invalid_authorization_details');
      expect(reasonFor({ authorization_details: [systemUser, { type: 'x'.repeat(257) }] })).toBe('invalid_authorization_details');
    });

    it('checks every field of the system user strictly', () => {
      const bad = (patch: Record<string, unknown>) => reasonFor({ authorization_details: [{ ...systemUser, ...patch }] });
      for (const systemuser_id of [
        undefined,
        [],
        'a6355a68-86b8-4344-8a81-0248cb461468',
        ['not-a-uuid'],
        ['a6355a68-86b8-4344-8a81-0248cb46146'],
        [5],
        Array(17).fill(systemUser.systemuser_id[0]),
      ]) {
        expect([systemuser_id, bad({ systemuser_id })]).toEqual([systemuser_id, 'invalid_authorization_details']);
      }
      for (const systemuser_org of [
        undefined,
        '0192:991825827',
        { authority: 'other', ID: '0192:991825827' },
        { authority: 'iso6523-actorid-upis', ID: '0192:991825828' },
        { authority: 'iso6523-actorid-upis', ID: '0193:991825827' },
        { authority: 'iso6523-actorid-upis', ID: '0192:99182582' },
        { authority: 'iso6523-actorid-upis', ID: 991825827 },
      ]) {
        expect([systemuser_org, bad({ systemuser_org })]).toEqual([systemuser_org, 'invalid_authorization_details']);
      }
      for (const system_id of [undefined, '', 'x'.repeat(129), 'with space', 'line\nbreak', 42]) {
        expect([system_id, bad({ system_id })]).toEqual([system_id, 'invalid_authorization_details']);
      }
      expect(bad({ systemuser_id: ['A6355A68-86B8-4344-8A81-0248CB461468', 'b6355a68-86b8-4344-8a81-0248cb461468'] })).toBeUndefined();
    });
  });

  describe('supplier', () => {
    it("copies the supplier in ISO 6523 shape, authority and ID only; org and orgNumber stay the consumer's", () => {
      const read = readMaskinportenClaims({
        scope: 'a',
        consumer,
        supplier: { authority: 'iso6523-actorid-upis', ID: '0192:991825827', extra: 1 },
      });
      expect(read.supplierOrgNumber).toBe('991825827');
      const claims = platformClaims(read, 'brg');
      expect(claims.supplier).toEqual({ authority: 'iso6523-actorid-upis', ID: '0192:991825827' });
      expect(claims.orgNumber).toBe(974760673);
      expect(claims['urn:altinn:orgNumber']).toBe('974760673');
      expect(claims.org).toBe('brg');
    });

    it('refuses any other supplier shape', () => {
      for (const supplier of [
        null,
        '0192:991825827',
        ['0192:991825827'],
        { ID: '0192:991825827' },
        { authority: 'other', ID: '0192:991825827' },
        { authority: 'iso6523-actorid-upis', ID: '0192:991825828' },
        { authority: 'iso6523-actorid-upis', ID: '991825827' },
      ]) {
        expect([supplier, reasonFor({ supplier })]).toEqual([supplier, 'invalid_supplier']);
      }
    });
  });
});
