import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { RunningApp, startApp } from '../helpers/app';
import { createTestDatabase, TestDatabase, withDatabase } from '../helpers/database';
import { TcpProxy } from '../helpers/tcp-proxy';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function serverAnswers(): Promise<boolean> {
  const client = new Client({ connectionString: SERVER, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function readyStatus(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A real PostgreSQL server is cut off behind a proxy the test controls: the embedded database
// cannot become unreachable, so this behaviour is shown on the server (CI always has one).
describe('readiness while the database is unreachable', () => {
  let available = false;
  let proxy: TcpProxy;
  let database: TestDatabase;
  let running: RunningApp;

  before(async () => {
    available = await serverAnswers();
    if (!available) return;
    database = await createTestDatabase(SERVER);
    const target = new URL(database.url as string);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    const throughProxy = new URL(withDatabase(SERVER, target.pathname.slice(1)));
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(proxy.port);
    running = await startApp({ database: { ...database, env: { ...database.env, DATABASE_URL: throughProxy.toString() } } });
  });
  after(async () => {
    if (!available) return;
    await running.close();
    await proxy.close();
    await database.drop();
  });

  it('turns 503 naming the database, and 200 again by itself when it returns', async () => {
    if (!available) {
      console.warn('no PostgreSQL server on 127.0.0.1:5432; outage test not run');
      return;
    }
    expect((await readyStatus(running.url)).status).toBe(200);
    proxy.cut();
    const down = await readyStatus(running.url);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    const live = await fetch(`${running.url}/health/live`);
    expect(live.status).toBe(200);
    proxy.restore();
    await eventually(async () => (await readyStatus(running.url)).status === 200);
  });
});
