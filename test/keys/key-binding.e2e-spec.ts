import { webcrypto } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { expect } from 'expect';
import { type CryptoKey, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { KeyRing } from '../../src/keys/key-ring';
import { RunningApp, startApp } from '../helpers/app';
import { exchange, JWKS_PATH } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { INTROSPECTION_PATH, postForm } from '../helpers/token-endpoint';

const SECRET = 'introspection-secret-of-the-storage-api-0001';
const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

interface KeyRow {
  kid: string;
  public_jwk: { kty: string; n: string; e: string };
  certificate: string;
}

/**
 * An attacker with write access to signing_keys but without KEY_ENCRYPTION_KEY: every clear-text
 * part of a key is bound to its encrypted private half, so a changed part refuses the key.
 */
describe('signing keys bound to their private halves', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;
  let ring: KeyRing;
  let original: KeyRow;

  const db = () => running.app.get(DataSource);
  const activeRow = async () =>
    (await db().query<KeyRow[]>(`SELECT kid, public_jwk, certificate FROM signing_keys WHERE state = 'active'`))[0];
  const ours = async () => (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text();
  const introspect = async (token: string) =>
    (await (await postForm(running, INTROSPECTION_PATH, { token }, { authorization: `Bearer ${SECRET}` })).json()) as { active: boolean };
  const refresh = (token: string) =>
    fetch(`${running.url}/authentication/api/v1/refresh`, { headers: { authorization: `Bearer ${token}` } });
  const publishedKeys = async () =>
    ((await (await fetch(`${running.url}${JWKS_PATH}`)).json()) as { keys: { kid: string; n: string }[] }).keys;
  const failuresMetric = async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    return Number(/^authentication_signing_key_integrity_failures_total (\d+)$/m.exec(text)?.[1]);
  };

  /** A token an attacker signs with their own key under our kid, claiming a person at level 4. */
  const forge = async (kid: string, privateKey: CryptoKey, claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);

  const expectRefused = async (kid: string, genuine: string, forged: string | undefined, attackerModulus: string | undefined) => {
    await ring.refresh();
    const keys = await publishedKeys();
    expect(keys.map((k) => k.kid)).not.toContain(kid);
    if (attackerModulus) expect(keys.map((k) => k.n)).not.toContain(attackerModulus);
    expect(await introspect(genuine)).toEqual({ active: false });
    expect((await refresh(genuine)).status).toBe(401);
    if (forged) {
      expect(await introspect(forged)).toEqual({ active: false });
      const refreshed = await refresh(forged);
      expect(refreshed.status).toBe(401);
      expect(refreshed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    // Nothing signs with it: the exchange has no key to sign with.
    expect((await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).status).toBe(503);
    const ready = await fetch(`${running.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { error: Record<string, { status: string; refused?: Record<string, string> }> };
    expect(body.error['signing-key-integrity'].status).toBe('down');
    expect(Object.keys(body.error['signing-key-integrity'].refused ?? {})).toEqual([kid]);
  };

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    running = await startApp({
      env: {
        ISSUER_URL: 'https://platform.test/authentication/api/v1/openid/',
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        INTROSPECTION_TOKENS: SECRET,
      },
    });
    ring = running.app.get(KeyRing);
    original = await activeRow();
  });
  afterEach(async () => {
    await db().query('UPDATE signing_keys SET public_jwk = $2, certificate = $3 WHERE kid = $1', [
      original.kid,
      JSON.stringify(original.public_jwk),
      original.certificate,
    ]);
    await ring.refresh();
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  it('loads and signs with a key stored before the binding check, unchanged', async () => {
    const token = await ours();
    expect((await introspect(token)).active).toBe(true);
    expect((await publishedKeys()).map((k) => k.kid)).toEqual([original.kid]);
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
  });

  it('refuses a key whose public JWK was swapped: not published, no forged or genuine token verifies, nothing signs', async () => {
    const genuine = await ours();
    const before = await failuresMetric();
    const attacker = await generateKeyPair('RS256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const forged = await forge(original.kid, attacker.privateKey, { ...decodeJwt(genuine), userid: 1002, authlevel: 4 });
    await db().query('UPDATE signing_keys SET public_jwk = $2 WHERE kid = $1', [
      original.kid,
      JSON.stringify({ kty: 'RSA', n: attackerJwk.n, e: attackerJwk.e }),
    ]);

    await expectRefused(original.kid, genuine, forged, attackerJwk.n);
    expect(await failuresMetric()).toBe(before + 1);
    // A second reload of the same refused row is not a new failure.
    await ring.refresh();
    expect(await failuresMetric()).toBe(before + 1);
  });

  it('refuses a key whose public JWK gained a member', async () => {
    const genuine = await ours();
    await db().query('UPDATE signing_keys SET public_jwk = $2 WHERE kid = $1', [
      original.kid,
      JSON.stringify({ ...original.public_jwk, alg: 'RS256' }),
    ]);
    await expectRefused(original.kid, genuine, undefined, undefined);
  });

  it('refuses a key whose x5c was swapped for a certificate of another key', async () => {
    const genuine = await ours();
    const attacker = await webcrypto.subtle.generateKey(
      { ...SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ['sign', 'verify'],
    );
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=authentication token signing',
      keys: attacker,
      signingAlgorithm: SIGNING,
    });
    await db().query('UPDATE signing_keys SET certificate = $2 WHERE kid = $1', [
      original.kid,
      Buffer.from(certificate.rawData).toString('base64'),
    ]);
    await expectRefused(original.kid, genuine, undefined, undefined);
  });

  it('refuses a key whose x5c holds our public key but was signed by someone else', async () => {
    const genuine = await ours();
    const attacker = await webcrypto.subtle.generateKey(
      { ...SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ['sign', 'verify'],
    );
    const ourPublicKey = await webcrypto.subtle.importKey('jwk', { ...original.public_jwk, alg: 'RS256' }, SIGNING, true, ['verify']);
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject: 'CN=authentication token signing',
      issuer: 'CN=attacker',
      publicKey: ourPublicKey,
      signingKey: attacker.privateKey,
      signingAlgorithm: SIGNING,
    });
    await db().query('UPDATE signing_keys SET certificate = $2 WHERE kid = $1', [
      original.kid,
      Buffer.from(certificate.rawData).toString('base64'),
    ]);
    await expectRefused(original.kid, genuine, undefined, undefined);
  });

  it('publishes and signs with the key again once its row is restored', async () => {
    await db().query('UPDATE signing_keys SET certificate = $2 WHERE kid = $1', [original.kid, 'AAAA']);
    await ring.refresh();
    expect(await publishedKeys()).toEqual([]);
    await db().query('UPDATE signing_keys SET certificate = $2 WHERE kid = $1', [original.kid, original.certificate]);
    await ring.refresh();
    expect((await publishedKeys()).map((k) => k.kid)).toEqual([original.kid]);
    expect((await introspect(await ours())).active).toBe(true);
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
  });
});
