import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { RunningApp, startApp } from '../helpers/app';

describe('health probes', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp();
  });
  after(() => running.close());

  it('reports liveness without touching the database', async () => {
    const response = await fetch(`${running.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
  });

  it('reports readiness with the database and the signing key', async () => {
    const response = await fetch(`${running.url}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { info: Record<string, { status: string }> };
    expect(body.info.database.status).toBe('up');
    expect(body.info['signing-key'].status).toBe('up');
  });
});
