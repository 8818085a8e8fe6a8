import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { RunningApp, startApp } from '../helpers/app';
import { exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

describe('protections', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    running = await startApp({
      env: {
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        RATE_LIMIT_PER_MINUTE: '5',
        METRICS_TOKEN: 'metrics-token-0123456789',
      },
    });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  it('answers 429 problem+json with Retry-After once a client IP passes the limit, and audits nothing for it', async () => {
    const token = await maskinporten.maskinportenToken();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await exchange(running, 'maskinporten', token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await exchange(running, 'maskinporten', token);
    await expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
  });

  it('sends helmet headers and no CORS headers unless origins are configured', async () => {
    const response = await fetch(`${running.url}/health/live`, { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('serves Prometheus metrics only with the metrics token', async () => {
    await expectProblem(await fetch(`${running.url}/metrics`), 401);
    await expectProblem(await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401);
    const response = await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/authentication_exchanges_total\{provider="maskinporten",outcome="issued"\} 5/);
    expect(text).toMatch(/authentication_exchange_duration_seconds_count\{provider="maskinporten"\} [1-9]/);
    expect(text).toMatch(/authentication_jwks_fetches_total\{provider="maskinporten",well_known_url="[^"]+"\} [1-9]/);
    expect(text).toMatch(/authentication_jwks_fetch_failures_total\{provider="maskinporten",well_known_url="[^"]+"\} 0/);
    // Counts since start are counters named _total, as Prometheus expects of them.
    for (const counter of [
      'authentication_jwks_fetches_total',
      'authentication_jwks_fetch_failures_total',
      'authentication_audit_dropped_events_total',
    ]) {
      expect(text).toContain(`# TYPE ${counter} counter`);
    }
    expect(text).not.toMatch(/^# TYPE authentication_(jwks_fetches|jwks_fetch_failures|audit_dropped_events) gauge$/m);
    expect(text).toMatch(/authentication_signing_key_age_seconds\{kid="[^"]+"\}/);
    expect(text).toContain('authentication_audit_dropped_events_total 0');
    expect(text).toContain('process_resident_memory_bytes');
  });
});

// The first describe's app has no CORS origins and a bucket spent by its own tests: this one has both anew.
describe('a second app: CORS origins configured, a fresh rate limit', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    running = await startApp({
      env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, RATE_LIMIT_PER_MINUTE: '5', CORS_ORIGINS: 'https://portal.example' },
    });
  });
  after(async () => {
    await running?.close();
    await maskinporten?.close();
  });

  describe('CORS when configured', () => {
    it('allows only the configured origin', async () => {
      const allowed = await fetch(`${running.url}/health/live`, { headers: { origin: 'https://portal.example' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.example');
      const other = await fetch(`${running.url}/health/live`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('one rate limit per client across the exchange endpoints', () => {
    it('counts requests to every exchange endpoint in one bucket, so five endpoints do not give five times the limit', async () => {
      const token = await maskinporten.maskinportenToken();
      const api = `${running.url}/authentication/api/v1`;
      const statuses = [
        (await exchange(running, 'maskinporten', token)).status,
        (await exchange(running, 'maskinporten', token)).status,
        (await exchange(running, 'id-porten')).status,
        (await fetch(`${api}/token`, { method: 'POST' })).status,
        (await fetch(`${api}/refresh`)).status,
      ];
      expect(statuses).toEqual([200, 200, 401, 400, 401]);
      for (const next of [
        () => exchange(running, 'id-porten'),
        () => fetch(`${api}/refresh`),
        () => exchange(running, 'maskinporten', token),
      ])
        await expectProblem(await next(), 429);
    });
  });
});
