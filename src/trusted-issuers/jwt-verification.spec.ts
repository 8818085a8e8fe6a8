import { generateKeyPairSync, KeyObject, sign as signRaw } from 'node:crypto';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { verifyJwt } from './jwt-verification';

const ISSUER = 'https://issuer.example/';
const NOW = new Date('2026-12-07T12:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);
const OPTIONS = { algorithms: ['RS256'], issuer: ISSUER, audience: 'us', clockTolerance: 5, requiredClaims: ['exp'], currentDate: NOW };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** What a verification came to: the payload, or the error's class and, for a claim, which and why. */
async function outcome(verification: Promise<JWTPayload>): Promise<unknown> {
  try {
    return { payload: await verification };
  } catch (error) {
    const { name, code, claim, reason } = error as { name: string; code?: string; claim?: string; reason?: string };
    return { name, code, claim, reason };
  }
}

async function issuer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } as JWK;
  // A second, short key under its own kid: jose refuses RSA keys under 2048 bits.
  const short = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const shortJwk = { ...(short.publicKey.export({ format: 'jwk' }) as JWK), kid: 'short', alg: 'RS256' };
  const jwks = createLocalJWKSet({ keys: [jwk, shortJwk] });
  const claims = { iss: ISSUER, aud: 'us', iat: nowSeconds, exp: nowSeconds + 60, sub: 'x' };
  const token = (payload: object = claims, kid = 'k1') =>
    new SignJWT({ ...payload }).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
  /** Signed by hand, for headers and payloads jose will not produce. */
  const handSigned = (header: object, payload: string, key: KeyObject = KeyObject.from(privateKey)) => {
    const input = `${b64(header)}.${payload}`;
    return `${input}.${signRaw('sha256', Buffer.from(input), key).toString('base64url')}`;
  };
  return { jwks, claims, token, handSigned, short };
}

/** Both verifications of the same token under the same options: ours and jose's own. */
async function both(token: string, jwks: ReturnType<typeof createLocalJWKSet>, options: typeof OPTIONS = OPTIONS) {
  const header = decodeProtectedHeader(token) as Record<string, unknown>;
  return {
    ours: await outcome(verifyJwt(token, header, jwks, options)),
    jose: await outcome(jwtVerify(token, jwks, options).then((r) => r.payload)),
  };
}

describe('verifyJwt', () => {
  it('accepts a good RS256 token with the payload jose gives', async () => {
    const { jwks, token, claims } = await issuer();
    const { ours, jose } = await both(await token(), jwks);
    expect(ours).toEqual({ payload: claims });
    expect(ours).toEqual(jose);
  });

  it('refuses what jose refuses, with the same error: expired, not yet valid, wrong issuer or audience, exp missing or not a number', async () => {
    const { jwks, token, claims } = await issuer();
    const cases = [
      { ...claims, exp: nowSeconds - 60 },
      { ...claims, nbf: nowSeconds + 60 },
      { ...claims, iss: `${ISSUER}x` },
      { ...claims, aud: 'them' },
      { ...claims, exp: undefined },
      { ...claims, exp: 'soon' },
    ];
    for (const payload of cases) {
      const { ours, jose } = await both(await token(JSON.parse(JSON.stringify(payload)) as object), jwks);
      expect(ours).toEqual(jose);
      expect(ours).toHaveProperty('name');
    }
  });

  it('refuses a changed payload or a changed signature as jose does', async () => {
    const { jwks, token, claims } = await issuer();
    const [header, , signature] = (await token()).split('.');
    const altered = `${header}.${b64({ ...claims, sub: 'y' })}.${signature}`;
    expect((await both(altered, jwks)).ours).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect((await both(altered, jwks)).ours).toEqual((await both(altered, jwks)).jose);
    const flipped = `${(await token()).slice(0, -3)}${signature.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const result = await both(flipped, jwks);
    expect(result.ours).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(result.ours).toEqual(result.jose);
  });

  it('refuses a payload that is not a JSON object, after a good signature, as jose does', async () => {
    const { jwks, handSigned } = await issuer();
    for (const payload of [Buffer.from('[1,2]').toString('base64url'), Buffer.from('not json').toString('base64url')]) {
      const result = await both(handSigned({ alg: 'RS256', kid: 'k1' }, payload), jwks);
      expect(result.ours).toMatchObject({ code: 'ERR_JWT_INVALID' });
      expect(result.ours).toEqual(result.jose);
    }
  });

  it("leaves what it does not handle to jose's own path: an unknown crit, a key under 2048 bits, an unknown kid", async () => {
    const { jwks, claims, handSigned, short } = await issuer();
    const critToken = handSigned({ alg: 'RS256', kid: 'k1', crit: ['urn:x'], 'urn:x': true }, b64(claims));
    const shortToken = handSigned({ alg: 'RS256', kid: 'short' }, b64(claims), short.privateKey);
    const unknownToken = handSigned({ alg: 'RS256', kid: 'nobody' }, b64(claims));
    const expected = [{ code: 'ERR_JOSE_NOT_SUPPORTED' }, { name: 'TypeError' }, { code: 'ERR_JWKS_NO_MATCHING_KEY' }];
    for (const [i, token] of [critToken, shortToken, unknownToken].entries()) {
      const result = await both(token, jwks);
      expect(result.ours).toMatchObject(expected[i]);
      expect(result.ours).toEqual(result.jose);
    }
  });
});
