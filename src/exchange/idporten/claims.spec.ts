import { describe, it } from 'node:test';
import { expect } from 'expect';
import { InvalidTokenError } from '../../common/errors';
import { acrToAuthLevel, hasScope, platformClaims, readIdportenClaims } from './claims';

const profile = { userId: 20000011, userName: '', partyId: 50002119, partyUuid: 'u' };

describe('ID-porten claims', () => {
  it('maps acr values to levels and refuses others', () => {
    expect(acrToAuthLevel('idporten-loa-high')).toBe(4);
    expect(acrToAuthLevel('Level0')).toBe(0);
    for (const bad of ['Level2', 'level3', '', undefined, 3, 'toString']) expect(() => acrToAuthLevel(bad)).toThrow(InvalidTokenError);
  });

  it('takes the first amr of an array, or a string', () => {
    expect(readIdportenClaims({ pid: '19108000239', acr: 'Level3', amr: ['BankID', 'x'] }).amr).toBe('BankID');
    expect(readIdportenClaims({ pid: '19108000239', acr: 'Level3', amr: 'BankID' }).amr).toBe('BankID');
    expect(readIdportenClaims({ pid: '19108000239', acr: 'Level3' }).amr).toBeUndefined();
  });

  it('never copies aud, iss, at_hash, sub or sid and makes a new sid', () => {
    const input = readIdportenClaims({ pid: '19108000239', acr: 'Level3', sid: 'old', sub: 's', at_hash: 'h', aud: 'a', iss: 'i' });
    const claims = platformClaims(input, profile);
    for (const name of ['aud', 'iss', 'at_hash', 'sub']) expect(claims).not.toHaveProperty(name);
    expect(claims.sid).not.toBe('old');
    expect(claims['urn:altinn:partyid']).toBe(50002119);
    expect(claims.nameid).toBe('20000011');
  });

  it('matches a required scope only as a whole scope', () => {
    expect(hasScope('openid altinn:enduser', 'altinn:enduser')).toBe(true);
    expect(hasScope('altinn:enduser/x', 'altinn:enduser')).toBe(false);
    expect(hasScope(undefined, 'altinn:enduser')).toBe(false);
  });
});
