import { describe, it } from 'node:test';
import { expect } from 'expect';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Clock } from '../common/clock';
import { InvalidTokenError } from '../common/errors';
import type { KeyRing } from './key-ring';
import { OwnTokenVerifier } from './own-token-verifier';

const ISSUER = 'https://platform.example/authentication/api/v1/openid/';
const NOW = 1_800_000_000;

describe('our own tokens, verified', async () => {
  const key = async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = await exportJWK(publicKey);
    return { privateKey, jwk: { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' } };
  };
  const [ours, revoked, stranger] = await Promise.all([key(), key(), key()]);
  // The key ring's verdicts on kids; the signatures are verified for real.
  const ring = {
    jwks: () => ({ etag: '"1"', body: '', keys: [ours.jwk, revoked.jwk] }),
    isRevoked: (kid: string | undefined) => kid === revoked.jwk.kid,
    trusts: (kid: string | undefined) => kid === ours.jwk.kid,
  } as unknown as KeyRing;
  const verifier = new OwnTokenVerifier(ring, { now: () => NOW * 1000 } as Clock, { issuer: ISSUER, clockSkewSeconds: 30 } as never);
  const token = (claims: Record<string, unknown>, signer = ours, issuer = ISSUER) =>
    new SignJWT({ aud: 'portal', sid: 's', jti: 'j', iat: NOW - 60, nbf: NOW - 60, exp: NOW + 600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: signer.jwk.kid })
      .setIssuer(issuer)
      .sign(signer.privateKey);
  /** The InvalidTokenError's message, or 'accepted'; any other error fails the test. */
  const reason = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
      return 'accepted';
    } catch (error) {
      if (error instanceof InvalidTokenError) return error.message;
      throw error;
    }
  };

  it('refuses an expired token where a live one is needed', async () => {
    const expired = await token({ iat: NOW - 7200, nbf: NOW - 7200, exp: NOW - 3600 });
    expect(await reason(verifier.verify(expired))).toBe('the token has expired');
  });

  it('takes an expired token of ours as an id_token_hint, with its claims', async () => {
    const expired = await token({ iat: NOW - 7200, nbf: NOW - 7200, exp: NOW - 3600 });
    expect(await verifier.verifyPastExpiry(expired)).toMatchObject({ iss: ISSUER, aud: 'portal', sid: 's', exp: NOW - 3600 });
    expect(await verifier.verifyPastExpiry(await token({}))).toMatchObject({ sid: 's' });
  });

  it('still refuses, past expiry or not, a token of another key, issuer, a revoked or untrusted key, one not yet valid or without jti', async () => {
    const expired = { iat: NOW - 7200, nbf: NOW - 7200, exp: NOW - 3600 };
    // The message for each, where it says which check refused it; otherwise any refusal.
    const cases: [string, string | undefined][] = [
      [await token(expired, stranger), undefined],
      [await token(expired, ours, 'https://elsewhere.example/'), undefined],
      [await token(expired, revoked), 'the token was signed by a revoked key; exchange a new upstream token'],
      [await token({ nbf: NOW + 3600, exp: NOW + 7200 }), undefined],
      [await token({ ...expired, jti: undefined }), undefined],
    ];
    for (const [refused, message] of cases) {
      const said = await reason(verifier.verifyPastExpiry(refused));
      expect(said).not.toBe('accepted');
      if (message !== undefined) expect(said).toBe(message);
      expect(await reason(verifier.verify(refused))).not.toBe('accepted');
    }
    const untrusted = { ...ring, trusts: () => false } as unknown as KeyRing;
    const wary = new OwnTokenVerifier(untrusted, { now: () => NOW * 1000 } as Clock, { issuer: ISSUER, clockSkewSeconds: 30 } as never);
    expect(await reason(wary.verifyPastExpiry(await token(expired)))).toBe('the token was signed by a key we no longer trust');
  });
});
