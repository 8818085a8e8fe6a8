import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { RunningApp } from './app';

export const EXCHANGE = '/authentication/api/v1/exchange';
export const JWKS_PATH = '/authentication/api/v1/openid/.well-known/openid-configuration/jwks';

export function exchange(app: RunningApp, provider: string, token?: string, init: { accept?: string; query?: string } = {}) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (init.accept) headers.accept = init.accept;
  return fetch(`${app.url}${EXCHANGE}/${provider}${init.query ?? ''}`, { headers });
}

/** Verifies one of our tokens exactly as a platform API would: through the published JWKS. */
export async function verifyIssued(app: RunningApp, token: string, issuer: string): Promise<JWTPayload> {
  const jwks = (await (await fetch(`${app.url}${JWKS_PATH}`)).json()) as never;
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer,
    algorithms: ['RS256'],
    currentDate: new Date(app.clock.now()),
  });
  return payload;
}

/** Polls until the condition holds (background work such as audit flushes). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
