import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { ISSUED_CLAIM_NAMES } from '../../src/common/issued-claims';
import * as x509 from '@peculiar/x509';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { TokenSigner } from '../../src/keys/token-signer';
import { RunningApp, startApp } from '../helpers/app';

const ISSUER = 'https://auth.platform.test/authentication/api/v1/openid/';
const CONFIG_PATH = '/authentication/api/v1/openid/.well-known/openid-configuration';

describe('OpenID Connect discovery', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp({ env: { ISSUER_URL: ISSUER, DISCOVERY_MAX_AGE_SECONDS: '600' } });
  });
  after(() => running.close());

  it('publishes the configuration with URLs from ISSUER_URL, never from the Host header', async () => {
    const response = await fetch(`${running.url}${CONFIG_PATH}`, { headers: { 'x-forwarded-host': 'evil.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    const document = (await response.json()) as Record<string, unknown>;
    expect(document).toMatchObject({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}.well-known/openid-configuration/jwks`,
      token_endpoint: 'https://auth.platform.test/authentication/api/v1/token',
      exchange_endpoints: {
        maskinporten: 'https://auth.platform.test/authentication/api/v1/exchange/maskinporten',
        'id-porten': 'https://auth.platform.test/authentication/api/v1/exchange/id-porten',
      },
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange'],
      token_endpoint_auth_methods_supported: ['none'],
      response_types_supported: [],
      // OpenID Connect Discovery 1.0 §3 REQUIRED, also with login off: consumers read the algorithm here.
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    // Nothing that is not served: with login off no authorization, userinfo or end-session endpoint, no introspection unless configured.
    for (const absent of ['authorization_endpoint', 'userinfo_endpoint', 'end_session_endpoint', 'introspection_endpoint']) {
      expect([absent, document[absent]]).toEqual([absent, undefined]);
    }
    expect(document.claims_supported).toEqual(expect.arrayContaining(['orgNumber', 'org', 'urn:altinn:userid', 'urn:altinn:partyid']));
    // Exactly the claims of the one typed description, the refresh and system-user ones too.
    expect(document.claims_supported).toEqual(ISSUED_CLAIM_NAMES);
    expect(document.claims_supported).toEqual(expect.arrayContaining(['urn:altinn:exchanged_at', 'authorization_details', 'supplier']));
    expect(JSON.stringify(document)).not.toContain('evil.example');
  });

  it('answers 304 to a matching If-None-Match on both documents', async () => {
    for (const path of [CONFIG_PATH, `${CONFIG_PATH}/jwks`]) {
      const first = await fetch(`${running.url}${path}`);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const second = await fetch(`${running.url}${path}`, { headers: { 'if-none-match': etag as string } });
      expect(second.status).toBe(304);
      expect(await second.text()).toBe('');
      const other = await fetch(`${running.url}${path}`, { headers: { 'if-none-match': '"something-else"' } });
      expect(other.status).toBe(200);
    }
  });

  it('publishes RSA signing keys with kid thumbprint, x5c and x5t#S256, and no private member', async () => {
    const response = await fetch(`${running.url}${CONFIG_PATH}/jwks`);
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    const jwk = keys[0];
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t#S256']);
    expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    const { calculateJwkThumbprint } = await import('jose');
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n as string, e: jwk.e as string }));
    const certificate = new x509.X509Certificate(Buffer.from((jwk.x5c as string[])[0], 'base64'));
    const fromCertificate = await (await certificate.publicKey.export()).algorithm;
    expect(fromCertificate.name).toBe('RSASSA-PKCS1-v1_5');
    const spki = Buffer.from(certificate.publicKey.rawData);
    const { createPublicKey, createHash } = await import('node:crypto');
    const certificateJwk = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
    expect(certificateJwk.n).toBe(jwk.n);
    expect(certificateJwk.e).toBe(jwk.e);
    expect(jwk['x5t#S256']).toBe(createHash('sha256').update(Buffer.from(certificate.rawData)).digest('base64url'));
    await importJWK(jwk as never, 'RS256');
  });

  it('publishes keys that verify a token from TokenSigner', async () => {
    const signed = await running.app.get(TokenSigner).sign({ scope: 'altinn:test' });
    const jwks = (await (await fetch(`${running.url}${CONFIG_PATH}/jwks`)).json()) as { keys: never[] };
    const { payload, protectedHeader } = await jwtVerify(signed.token, createLocalJWKSet({ keys: jwks.keys }), {
      issuer: ISSUER,
      algorithms: ['RS256'],
      currentDate: new Date(running.clock.now()),
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: decodeProtectedHeader(signed.token).kid, typ: 'JWT' });
    expect(payload).toMatchObject({ scope: 'altinn:test', iss: ISSUER, jti: signed.jti });
    expect(payload.nbf).toBe(payload.iat);
    expect((payload.exp as number) - (payload.iat as number)).toBe(1800);
    expect(signed.jti).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
