import '../process-environment';
import { randomBytes } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CommandError, runCli } from '../common/cli';
import { deriveSettings, readEnvironment } from '../config';

const USAGE = `usage: npm run demo -- [base URL]   (default http://127.0.0.1:$PORT)
Runs the seed's flow against a running service with the test IdP on: register a scope, grant it to
974760673 (brg), create a client with a generated key, get a Maskinporten token, exchange it; then
the same for an ID-porten person.`;

const SCOPE = 'altinn:instances/metadata.read';
const ORG = '974760673';

async function call(method: string, url: string, body: unknown, headers: Record<string, string>, form = false): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: body === undefined ? undefined : form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 409) throw new CommandError(`${method} ${url} answered ${response.status}: ${text}`);
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}

function step(title: string, detail?: unknown): void {
  console.log(`\n== ${title}`);
  if (detail !== undefined) console.log(typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2));
}

async function main([base]: string[]): Promise<void> {
  const { server, testIdp } = deriveSettings(readEnvironment());
  const root = (base ?? `http://127.0.0.1:${server.port}`).replace(/\/$/, '');
  const admin: Record<string, string> = testIdp.adminToken ? { authorization: `Bearer ${testIdp.adminToken}` } : {};
  const mp = `${root}/test-idp/maskinporten`;

  step('1. Register the scope', await call('POST', `${mp}/scopes`, { prefix: 'altinn', subscope: 'instances/metadata.read', description: 'Clients can access metadata for all instances for all apps of the organisation' }, admin));
  step(`2. Give ${ORG} access to it`, await call('PUT', `${mp}/scopes/access/${ORG}?scope=${encodeURIComponent(SCOPE)}`, undefined, admin));
  const client = (await call('POST', `${mp}/clients`, { client_name: 'altinnOrgRead', client_type: 'CONFIDENTIAL', description: 'Client for accessing the my orgs app data', scopes: [SCOPE], token_reference: 'SELF_CONTAINED', client_orgno: ORG }, admin)) as { client_id: string };
  step('3. Create a client', client);
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'demo-key' };
  step('4. Register its public key', await call('POST', `${mp}/clients/${client.client_id}/jwks`, { keys: [jwk] }, admin));

  const metadata = (await call('GET', `${mp}/.well-known/oauth-authorization-server`, undefined, {})) as { issuer: string; token_endpoint: string };
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: SCOPE, jti: randomBytes(16).toString('hex') })
    .setProtectedHeader({ alg: 'RS256', kid: 'demo-key' })
    .setIssuer(client.client_id)
    .setAudience(metadata.issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(privateKey);
  const grant = (await call('POST', metadata.token_endpoint, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }, {}, true)) as { access_token: string };
  step('5. Maskinporten token (JWT-bearer grant), its claims', decodeJwt(grant.access_token));
  const exchanged = (await call('GET', `${root}/authentication/api/v1/exchange/maskinporten`, undefined, { authorization: `Bearer ${grant.access_token}` })) as string;
  step('6. Exchanged for a platform token, its claims', decodeJwt(exchanged));

  const person = (await call('POST', `${root}/test-idp/idporten/token`, { pid: '19108000239', acr: 'idporten-loa-substantial', amr: ['Minid-PIN'], locale: 'nb', nonce: randomBytes(8).toString('hex') }, admin)) as { access_token: string };
  step('7. ID-porten token for 19108000239, its claims', decodeJwt(person.access_token));
  const personToken = (await call('GET', `${root}/authentication/api/v1/exchange/id-porten`, undefined, { authorization: `Bearer ${person.access_token}` })) as string;
  step('8. Exchanged for a platform token, its claims', decodeJwt(personToken));
}

runCli(main, USAGE);
