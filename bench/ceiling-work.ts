// The irreducible work of one exchange, shared by the ceiling (bare node:http) and the framework
// floor (a minimal Nest app): verify with a cached key, build the claims, sign with a loaded key.
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';

/** Signs the ceiling's token for a Maskinporten token, or rejects when it does not verify. */
export type CeilingWork = (token: string) => Promise<string>;

export async function ceilingWork(upstream: string): Promise<CeilingWork> {
  const jwks = createLocalJWKSet((await (await fetch(`${upstream}/maskinporten/jwks`)).json()) as never);
  const { privateKey } = await generateKeyPair('RS256');
  const issuer = `${upstream}/maskinporten/`;
  return async (token) => {
    const { payload } = await jwtVerify(token, jwks, { algorithms: ['RS256'], issuer });
    const consumer = payload.consumer as { ID: string };
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      scope: payload.scope,
      client_id: payload.client_id,
      consumer,
      orgNumber: Number(consumer.ID.slice(5)),
      iss: 'https://bench.invalid/',
      iat: now,
      nbf: now,
      exp: now + 1800,
      jti: randomBytes(32).toString('base64url'),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'ceiling', typ: 'JWT' })
      .sign(privateKey);
  };
}
