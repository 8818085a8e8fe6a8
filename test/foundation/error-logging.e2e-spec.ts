// test-database: independent (uses the local PostgreSQL server in either pass)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverAnswers, TestDatabase } from '../helpers/database';
import { EXCHANGE } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { spawnService, waitFor } from '../helpers/spawn';
import { TcpProxy } from '../helpers/tcp-proxy';

// The service runs as its own process (its log is its stdout) on a PostgreSQL database reached
// through a proxy the test closes: the embedded database cannot refuse a connection.
describe('the log of a request that fails because the database refuses connections', () => {
  let available = false;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let idporten: FakeIssuer;
  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    available = await serverAnswers();
    if (!available) return;
    database = await createTestDatabase(LOCAL_SERVER_URL);
    const target = new URL(database.url as string);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    idporten = await FakeIssuer.start('idporten');
  });
  after(async () => {
    if (!available) return;
    await stop?.();
    await proxy.close();
    await idporten.close();
    await database.drop();
  });

  it('is one error line with the correlation id and the driver error ECONNREFUSED as its cause', async (t) => {
    if (!available) {
      t.skip('no PostgreSQL server on 127.0.0.1:5432; a refused connection cannot be shown on the embedded database');
      return;
    }
    const throughProxy = new URL(database.url as string);
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(proxy.port);
    const port = await freePort();
    const { child, exited } = spawnService({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-error-log-')),
      DATABASE_URL: throughProxy.toString(),
      LOG_LEVEL: 'info',
      TEST_IDP_ENABLED: 'false',
      PROFILES_AUTO_PROVISION: 'false',
      IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
    });
    stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    await waitFor(`http://127.0.0.1:${port}/health/ready`);

    await proxy.refuse();
    const pid = '01010112345';
    const response = await fetch(`http://127.0.0.1:${port}${EXCHANGE}/id-porten`, {
      headers: { authorization: `Bearer ${await idporten.idportenToken({ pid })}`, 'x-request-id': 'db-refused-1' },
    });
    const problem = await expectProblem(response, 503);
    expect(problem).toMatchObject({ correlationId: 'db-refused-1', instance: `${EXCHANGE}/id-porten` });
    await proxy.restore();
    await stop();
    stop = undefined;

    const { stdout } = await exited;
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const naming = lines.filter((line) => line.correlationId === 'db-refused-1' && JSON.stringify(line).includes('ECONNREFUSED'));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toMatchObject({
      level: 50,
      correlationId: 'db-refused-1',
      error: {
        name: 'ServiceUnavailableError',
        reason: 'database_unavailable',
        cause: { code: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED') },
      },
    });
    expect(stdout).not.toContain(pid);
  });
});
