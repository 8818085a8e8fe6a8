// test-database: independent (uses the local PostgreSQL server in either pass)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { serverAnswers } from '../helpers/database';
import { eventually } from '../helpers/exchange';
import { ProxiedApp, startAppBehindProxy } from '../helpers/proxied-database';

async function readyStatus(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// A real PostgreSQL server is cut off behind a proxy the test controls: the embedded database
// cannot become unreachable, so this behaviour is shown on the server (CI always has one).
describe('readiness while the database is unreachable', () => {
  let available = false;
  let app: ProxiedApp;

  before(async () => {
    available = await serverAnswers();
    if (available) app = await startAppBehindProxy();
  });
  after(() => (available ? app.close() : undefined));

  it('turns 503 naming the database, and 200 again by itself when it returns', async (t) => {
    if (!available) {
      t.skip('no PostgreSQL server on 127.0.0.1:5432; outage test not run');
      return;
    }
    const { url } = app.running;
    expect((await readyStatus(url)).status).toBe(200);
    app.proxy.cut();
    const down = await readyStatus(url);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    await app.proxy.restore();
    await eventually(async () => (await readyStatus(url)).status === 200, 10_000);
  });
});
