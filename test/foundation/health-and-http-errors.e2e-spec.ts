import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { request as httpRequest } from 'node:http';
import { expectProblem } from '../helpers/problem';
import { RunningApp, startApp } from '../helpers/app';

// One app with the base settings for the probes and the error rendering. Readiness reports the
// database, so this file runs in the PostgreSQL pass as well.
let running: RunningApp;
before(async () => {
  running = await startApp();
});
after(() => running.close());

describe('health probes', () => {
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

describe('HTTP errors as problem details', () => {
  it('answers an unknown route 404', async () => {
    const body = await expectProblem(await fetch(`${running.url}/no/such/thing`), 404);
    expect(body.instance).toBe('/no/such/thing');
    expect(body.correlationId).toEqual(expect.any(String));
  });

  it('answers a wrong method 405 with Allow', async () => {
    const response = await fetch(`${running.url}/health/live`, { method: 'DELETE' });
    await expectProblem(response, 405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers malformed JSON 400 without the parser message', async () => {
    const response = await fetch(`${running.url}/health/live`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    const body = await expectProblem(response, 400);
    expect(body.detail).toBe('the request body is not valid JSON');
  });

  it('answers a body over 16 KB 413', async () => {
    const response = await fetch(`${running.url}/health/live`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(17 * 1024) }),
    });
    await expectProblem(response, 413);
  });

  it('answers headers over 16 KB 431 as problem+json', async () => {
    const { status, contentType, body } = await new Promise<{ status?: number; contentType?: string; body: string }>((resolve, reject) => {
      const req = httpRequest(`${running.url}/health/live`, { headers: { 'x-big': 'y'.repeat(17 * 1024) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode, contentType: res.headers['content-type'], body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    expect(contentType).toBe('application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it('names the refused request in the 431 as the filter names every other: its path as instance, a correlation id', async () => {
    const { status, body, requestId } = await new Promise<{ status?: number; body: string; requestId?: string | string[] }>(
      (resolve, reject) => {
        const req = httpRequest(
          `${running.url}/authentication/api/v1/refresh?x=1`,
          { headers: { 'x-big': 'y'.repeat(17 * 1024) } },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode, body: text, requestId: res.headers['x-request-id'] }));
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(status).toBe(431);
    expect(JSON.parse(body)).toEqual({
      type: 'about:blank',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: 'the request headers are larger than 16 KB',
      instance: '/authentication/api/v1/refresh',
      correlationId: requestId,
    });
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('honours a sane x-request-id and replaces a hostile one', async () => {
    const kept = await fetch(`${running.url}/no/such`, { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    expect(((await kept.json()) as { correlationId: string }).correlationId).toBe('abc-123');
    const replaced = await fetch(`${running.url}/no/such`, { headers: { 'x-request-id': 'bad id\twith "quotes"' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
