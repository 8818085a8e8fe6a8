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

    let soFar = '';
    child.stdout?.on('data', (chunk: Buffer) => (soFar += chunk.toString()));
    const linesOf = (output: string) =>
      output
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const errorLinesOf = (lines: Record<string, unknown>[], correlationId: string) =>
      lines.filter((line) => line.correlationId === correlationId && line.level === 50);

    await proxy.refuse();
    const pid = '01010112345';
    // A pooled connection the cut has not reached yet fails with "Connection terminated" instead of a
    // refusal; the request after it has to connect, and the kernel refuses that.
    const attempts: string[] = [];
    let refused: Record<string, unknown> | undefined;
    while (attempts.length < 3 && !refused) {
      const correlationId = `db-refused-${attempts.length + 1}`;
      attempts.push(correlationId);
      const response = await fetch(`http://127.0.0.1:${port}${EXCHANGE}/id-porten`, {
        headers: { authorization: `Bearer ${await idporten.idportenToken({ pid })}`, 'x-request-id': correlationId },
      });
      const problem = await expectProblem(response, 503);
      expect(problem).toMatchObject({ correlationId, instance: `${EXCHANGE}/id-porten` });
      const deadline = Date.now() + 5_000;
      let logged: Record<string, unknown>[] = [];
      while (logged.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        logged = errorLinesOf(linesOf(soFar.slice(0, soFar.lastIndexOf('\n') + 1)), correlationId);
      }
      refused = logged.find((line) => JSON.stringify(line).includes('ECONNREFUSED'));
    }
    await proxy.restore();
    await stop();
    stop = undefined;

    const { stdout } = await exited;
    const lines = linesOf(stdout);
    // Each failed request is one error line, and the refused one names the driver's error as its cause.
    for (const correlationId of attempts) expect(errorLinesOf(lines, correlationId)).toHaveLength(1);
    expect(refused).toMatchObject({
      level: 50,
      correlationId: attempts.at(-1),
      error: {
        name: 'ServiceUnavailableError',
        reason: 'database_unavailable',
        cause: { code: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED') },
      },
    });
    expect(stdout).not.toContain(pid);
  });
});
