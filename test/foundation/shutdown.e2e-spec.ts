import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { newDataDir } from '../helpers/database';
import { FakeIssuer } from '../helpers/fake-issuer';
import { spawnService, waitFor } from '../helpers/spawn';

describe('graceful shutdown', () => {
  let maskinporten: FakeIssuer;
  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
  });
  after(() => maskinporten.close());

  it('lets a slow in-flight request finish on SIGTERM, then exits 0', async () => {
    const port = await freePort();
    maskinporten.mode = 'down';
    const { child, exited } = spawnService({
      PORT: String(port),
      DATA_DIR: newDataDir('auth-shutdown-'),
      LOG_LEVEL: 'silent',
      TEST_IDP_ENABLED: 'false',
      MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
      UPSTREAM_TIMEOUT_MS: '5000',
    });
    await waitFor(`http://127.0.0.1:${port}/health/live`, undefined, exited);
    // The issuer now answers after 1.5 s: the exchange below is in flight when SIGTERM arrives.
    maskinporten.mode = 'slow';
    maskinporten.slowMs = 1500;
    await new Promise((r) => setTimeout(r, 1100));
    const token = await maskinporten.maskinportenToken();
    const pending = fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/maskinporten`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const response = await pending;
    expect(response.status).toBe(200);
    expect((await response.text()).split('.')).toHaveLength(3);
    const { code } = await exited;
    expect(code).toBe(0);
  });
});
