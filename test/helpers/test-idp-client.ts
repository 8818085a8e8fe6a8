import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { RunningApp } from './app';

export const SCOPE = 'altinn:instances/metadata.read';

/** A Maskinporten client as an organisation's system would be: its key pair and its client_id. */
export interface StandInClient {
  clientId: string;
  privateKey: CryptoKey;
  kid: string;
}

export function json(app: RunningApp, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function provisionClient(app: RunningApp, orgno = '974760673', headers: Record<string, string> = {}): Promise<StandInClient> {
  const mp = '/test-idp/maskinporten';
  await json(app, 'POST', `${mp}/scopes`, { prefix: 'altinn', subscope: 'instances/metadata.read', description: 'd' }, headers);
  await json(app, 'PUT', `${mp}/scopes/access/${orgno}?scope=${encodeURIComponent(SCOPE)}`, undefined, headers);
  const created = await json(
    app,
    'POST',
    `${mp}/clients`,
    { client_name: 'c', client_type: 'CONFIDENTIAL', scopes: [SCOPE], token_reference: 'SELF_CONTAINED', client_orgno: orgno },
    headers,
  );
  const { client_id: clientId } = (await created.json()) as { client_id: string };
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `k-${randomBytes(4).toString('hex')}`;
  await json(app, 'POST', `${mp}/clients/${clientId}/jwks`, { keys: [{ ...(await exportJWK(publicKey)), kid }] }, headers);
  return { clientId, privateKey, kid };
}

export function standInIssuer(app: RunningApp): string {
  return `${app.url}/test-idp/maskinporten/`;
}

/** An RFC 7523 grant assertion; claims may be overridden. */
export async function assertion(
  app: RunningApp,
  client: StandInClient,
  overrides: JWTPayload = {},
  key = client.privateKey,
): Promise<string> {
  const now = Math.floor(app.clock.now() / 1000);
  return new SignJWT({
    iss: client.clientId,
    aud: standInIssuer(app),
    scope: SCOPE,
    iat: now,
    exp: now + 60,
    jti: randomBytes(16).toString('hex'),
    ...overrides,
  })
    .setProtectedHeader({ alg: 'RS256', kid: client.kid })
    .sign(key);
}

export function tokenRequest(app: RunningApp, form: Record<string, string>) {
  return fetch(`${app.url}/test-idp/maskinporten/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}
