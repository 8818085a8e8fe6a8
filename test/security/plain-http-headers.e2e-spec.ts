// test-database: independent (HTTP headers)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { RunningApp, startApp } from '../helpers/app';

describe('security headers on plain http outside production', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true' } });
  });
  after(() => running.close());

  it('keeps the strict CSP but never upgrades requests to https, and sends no HSTS or COOP', async () => {
    for (const path of ['/health/live', '/test-idp/idporten/login', '/docs']) {
      const response = await fetch(`${running.url}${path}`, { headers: { host: 'auth.internal' } });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect([path, csp]).toEqual([path, expect.stringContaining("default-src 'self'")]);
      expect([path, csp]).toEqual([path, expect.stringContaining("form-action 'self'")]);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('strict-transport-security')).toBeNull();
      expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    }
  });

  it("sends a token endpoint's answers, which are never pages, nosniff and none of the page headers", async () => {
    const answers = [
      await fetch(`${running.url}/authentication/api/v1/exchange/maskinporten?test=false`),
      await fetch(`${running.url}/authentication/api/v1/token`, { method: 'POST' }),
    ];
    for (const response of answers) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/(problem\+)?json/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      for (const header of ['content-security-policy', 'x-frame-options', 'cross-origin-resource-policy', 'referrer-policy']) {
        expect([header, response.headers.get(header)]).toEqual([header, null]);
      }
    }
  });
});

describe('security headers when clients reach us over https', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp({ env: { ISSUER_URL: 'https://auth.example/authentication/api/v1/openid/' } });
  });
  after(() => running.close());

  it('upgrades insecure requests and sends HSTS and COOP', async () => {
    const response = await fetch(`${running.url}/health/live`);
    expect(response.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('keeps HSTS on the token endpoints too', async () => {
    const response = await fetch(`${running.url}/authentication/api/v1/exchange/id-porten`);
    expect(response.status).toBe(401);
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBeNull();
  });
});
