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
});
