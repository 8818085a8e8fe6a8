// test-database: independent (a spawned service with an environment of its own)
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

  it('lets a request in flight when SIGTERM arrives finish, then exits 0', async () => {
    const port = await freePort();
    maskinporten.mode = 'down';
    const { child, exited } = spawnService({
      PORT: String(port),
      DATA_DIR: newDataDir('auth-shutdown-'),
      LOG_LEVEL: 'silent',
      TEST_IDP_ENABLED: 'false',
      MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
      UPSTREAM_TIMEOUT_MS: '5000',
      // Bounds only a shutdown that hangs; a loaded machine needs more than the default to close.
      SHUTDOWN_GRACE_SECONDS: '120',
    });
    await waitFor(`http://127.0.0.1:${port}/health/live`, undefined, exited);
    // The issuer now holds its answers: an exchange that needs it is in flight until they come.
    maskinporten.mode = 'slow';
    maskinporten.slowMs = 3000;
    const token = await maskinporten.maskinportenToken();
    const send = () =>
      fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/maskinporten`, { headers: { authorization: `Bearer ${token}` } });
    // Right after the failed start the service may still refuse without asking the issuer: then ask again.
    let pending = send();
    for (;;) {
      let answered = false;
      void pending.then(
        () => (answered = true),
        () => (answered = true),
      );
      while (maskinporten.answersHeld === 0 && !answered) await new Promise((r) => setTimeout(r, 20));
      if (maskinporten.answersHeld > 0) break;
      await (await pending).arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
      pending = send();
    }
    child.kill('SIGTERM');
    // SIGTERM went out while the issuer still held the answer the exchange waits for.
    expect(maskinporten.answersHeld).toBeGreaterThan(0);
    const response = await pending;
    expect(response.status).toBe(200);
    expect((await response.text()).split('.')).toHaveLength(3);
    const { code } = await exited;
    expect(code).toBe(0);
  });
});
