import { describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { signJwt } from './jwt-signing';

const CLAIMS = {
  nameid: '1001',
  'urn:altinn:username': 'Ærlig Østby – «test» 🙂',
  'urn:altinn:partyid': 50001,
  aud: ['https://api.example/', 'https://other.example/'],
  iss: 'https://platform.example/',
  iat: 1_796_000_000,
  nbf: 1_796_000_000,
  exp: 1_796_000_060,
  jti: 'abc',
  absent: undefined,
};

const joseToken = (payload: object, kid: string, key: CryptoKey) =>
  new SignJWT({ ...payload }).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);

describe('signJwt', () => {
  it('writes the token jose writes for the same claims and key, byte for byte', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expect(await signJwt(CLAIMS, 'k1', privateKey)).toBe(await joseToken(CLAIMS, 'k1', privateKey));
  });

  it('signs a token jose verifies with the public key, with the header and claims given', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const token = await signJwt(CLAIMS, 'k1', privateKey);
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
      algorithms: ['RS256'],
      currentDate: new Date(1_796_000_010_000),
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
    const { absent: _absent, ...expected } = CLAIMS;
    expect(payload).toEqual(expected);
  });

  it('signs with each key under its own kid, after a rotation too', async () => {
    const first = await generateKeyPair('RS256');
    const second = await generateKeyPair('RS256');
    const a = await signJwt(CLAIMS, 'first', first.privateKey);
    const b = await signJwt(CLAIMS, 'second', second.privateKey);
    expect(decodeProtectedHeader(a).kid).toBe('first');
    expect(decodeProtectedHeader(b).kid).toBe('second');
    expect(b).toBe(await joseToken(CLAIMS, 'second', second.privateKey));
    const options = { algorithms: ['RS256'], currentDate: new Date(1_796_000_010_000) };
    await expect(jwtVerify(b, first.publicKey, options)).rejects.toThrow('signature verification failed');
  });
});
