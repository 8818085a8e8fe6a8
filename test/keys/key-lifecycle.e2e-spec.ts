import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { KeyEncryption } from '../../src/keys/key-encryption';
import { KeyRing } from '../../src/keys/key-ring';
import { TokenSigner } from '../../src/keys/token-signer';
import { RunningApp, startApp } from '../helpers/app';
import { TestClock } from '../helpers/test-clock';

const HOUR = 3_600_000;
const JWKS_PATH = '/authentication/api/v1/openid/.well-known/openid-configuration/jwks';

// Rotation every day, publish 2 h ahead, tokens live 10 min with 10 s skew.
const ENV = { KEY_ROTATION_DAYS: '1', KEY_PUBLISH_AHEAD_HOURS: '2', TOKEN_LIFETIME_SECONDS: '600', CLOCK_SKEW_SECONDS: '10' };

describe('signing key life cycle under a moving clock', () => {
  let running: RunningApp;
  let ring: KeyRing;
  let signer: TokenSigner;
  const kids = async () =>
    ((await (await fetch(`${running.url}${JWKS_PATH}`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  const jwks = async () => createLocalJWKSet((await (await fetch(`${running.url}${JWKS_PATH}`)).json()) as never);
  const signingKid = async () => decodeProtectedHeader((await signer.sign({})).token).kid;

  before(async () => {
    // Frozen: the schedule is checked to the second, and a slow start must not use up that second.
    running = await startApp({ env: ENV, clock: new TestClock({ frozen: true }) });
    ring = running.app.get(KeyRing);
    signer = running.app.get(TokenSigner);
  });
  after(() => running.close());

  it('creates one active key on an empty database and publishes it', async () => {
    const published = await kids();
    expect(published).toHaveLength(1);
    expect(await signingKid()).toBe(published[0]);
  });

  it('publishes the next key ahead, switches at its activation, retires and finally removes the old one', async () => {
    const [first] = await kids();
    running.clock.advance(22 * HOUR - 1000);
    await ring.refresh();
    expect(await kids()).toEqual([first]);

    running.clock.advance(1000);
    await ring.refresh();
    const published = await kids();
    expect(published).toHaveLength(2);
    const second = published.find((k) => k !== first) as string;
    expect(await signingKid()).toBe(first);

    // A token signed just before the switch...
    running.clock.advance(2 * HOUR - 1000);
    const lastOfFirst = await signer.sign({ n: 1 });
    running.clock.advance(1000);
    await ring.refresh();
    expect(await signingKid()).toBe(second);

    // ...keeps verifying against the published JWKS until it expires.
    running.clock.advance(600_000 - 5000);
    await ring.refresh();
    expect(await kids()).toEqual(expect.arrayContaining([first, second]));
    await jwtVerify(lastOfFirst.token, await jwks(), { currentDate: new Date(running.clock.now()), algorithms: ['RS256'] });

    running.clock.advance(15_000);
    await ring.refresh();
    expect(await kids()).toEqual([second]);
    const rows = await running.app.get(DataSource).query('SELECT kid, state FROM signing_keys');
    expect(rows).toEqual([{ kid: second, state: 'active' }]);
  });

  it('stores no private key in plaintext', async () => {
    const rows = await running.app.get(DataSource).query<Record<string, unknown>[]>('SELECT * FROM signing_keys');
    expect(rows.length).toBeGreaterThan(0);
    const encryption = running.app.get(KeyEncryption);
    for (const row of rows) {
      const text = JSON.stringify(row);
      expect(text).not.toContain('PRIVATE KEY');
      const pem = encryption.decrypt(row.encrypted_private_key as string, row.kid as string);
      const { createPrivateKey } = await import('node:crypto');
      const d = createPrivateKey(pem).export({ format: 'jwk' }).d as string;
      expect(text).not.toContain(d);
      expect(text).not.toContain(pem.split('\n')[1]);
      expect(Object.keys(row.public_jwk as object).sort()).toEqual(['e', 'kty', 'n']);
    }
  });
});
