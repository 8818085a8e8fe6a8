// test-database: independent (start-up checks of upstream URLs)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { deriveSettings, parseEnvironment, startUpRefusal } from '../../src/config';
import { RunningApp, startApp } from '../helpers/app';
import { exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { spawnService } from '../helpers/spawn';

/** Everything production needs, so that each test below changes exactly one thing. */
const PRODUCTION: Record<string, string> = {
  NODE_ENV: 'production',
  ISSUER_URL: 'https://platform.test/authentication/api/v1/openid/',
  KEY_ENCRYPTION_KEY: 'test-key-encryption-secret-0123456789abcdef',
  MASKINPORTEN_WELL_KNOWN_URLS: 'https://maskinporten.example/.well-known/oauth-authorization-server',
  IDPORTEN_WELL_KNOWN_URLS: 'https://idporten.example/.well-known/openid-configuration',
  MASKINPORTEN_AUDIENCE: 'https://tt02.altinn.no/maskinporten-api/',
  MASKINPORTEN_ORG_CLAIM_SCOPE: 'altinn:',
  IDPORTEN_AUDIENCE: '38e634d9-5682-44ae-9b60-db636efe3156',
  PROFILES_AUTO_PROVISION: 'false',
  TEST_IDP_ENABLED: 'false',
};

/** The environment a refusal test starts with: production's, then `env`. */
const refusedEnvironment = (env: Record<string, string>): Record<string, string> => ({
  ...PRODUCTION,
  DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-lockdown-')),
  LOG_LEVEL: 'silent',
  ...env,
});

/** Starts the built service with a configuration that production must refuse, and returns its one-line complaint. */
async function spawnedRefusal(env: Record<string, string>): Promise<string> {
  const { child, exited } = spawnService(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const { code, stderr } = await exited;
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: /);
    return lines[0];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The line main.ts prints before it exits 1 for a configuration production must refuse, made here
 * by the same validation and the same wording (a process costs seconds; the first test below spawns
 * one and shows its line is this one).
 */
function refusal(env: Record<string, string>): string {
  let line: string | undefined;
  try {
    deriveSettings(parseEnvironment(refusedEnvironment(env)));
  } catch (error) {
    line = startUpRefusal(error);
  }
  expect(line).toMatch(/^Invalid configuration: /);
  expect(line?.split('\n')).toHaveLength(1);
  return line as string;
}

describe('production upstreams are https', () => {
  it('refuses an http Maskinporten discovery URL that is not loopback', async () => {
    const env = refusedEnvironment({ MASKINPORTEN_WELL_KNOWN_URLS: 'http://maskinporten.example/.well-known/oauth-authorization-server' });
    const line = await spawnedRefusal(env);
    expect(refusal(env)).toBe(line);
    expect(line).toContain(
      'MASKINPORTEN_WELL_KNOWN_URLS must hold only https URLs (http only to a loopback address) in production (got "http://maskinporten.example/',
    );
  });

  it('refuses an http ID-porten discovery URL hidden second in the list', () => {
    const line = refusal({
      IDPORTEN_WELL_KNOWN_URLS:
        'https://idporten.example/.well-known/openid-configuration, http://10.0.0.7/.well-known/openid-configuration',
    });
    expect(line).toContain('IDPORTEN_WELL_KNOWN_URLS must hold only https URLs');
    expect(line).toContain('http://10.0.0.7/');
  });
});

describe('production takes a jwks_uri only over https (and one trusted proxy hop)', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    // Loopback discovery is allowed (a sidecar); the jwks_uri it names is the attacker's choice.
    // One trusted hop and a small rate limit, for the TRUST_PROXY test at the end.
    running = await startApp({
      env: {
        ...PRODUCTION,
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        IDPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        TRUST_PROXY: '1',
        RATE_LIMIT_PER_MINUTE: '5',
      },
    });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  it('exchanges with keys from a loopback http jwks_uri', async () => {
    expect((await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).status).toBe(200);
  });

  it('with TRUST_PROXY=1, limits a client that rotates forged X-Forwarded-For values in front of the proxy it passes', async () => {
    const token = await maskinporten.maskinportenToken();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      // The client forges the first entry; the (appending) ingress adds the address it really saw.
      const headers = { authorization: `Bearer ${token}`, 'x-forwarded-for': `198.51.100.${i + 1}, 203.0.113.9` };
      statuses.push((await fetch(`${running.url}/authentication/api/v1/exchange/maskinporten`, { headers })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('refuses keys from a plain-http jwks_uri elsewhere, without fetching them', async () => {
    // 0.0.0.0 reaches this machine, so the keys would load if the URL were taken (the control below shows it).
    maskinporten.jwksUriOverride = maskinporten.jwksUrl.replace('127.0.0.1', '0.0.0.0');
    await maskinporten.rotate(true);
    const jwksHits = maskinporten.hits.jwks;
    // A token with the new kid makes the service look again: discovery now names the http jwks_uri.
    running.clock.advance(600_000);
    const response = await exchange(running, 'maskinporten', await maskinporten.maskinportenToken());
    const body = await expectProblem(response, 401);
    expect(body.detail).not.toContain('0.0.0.0');
    expect(maskinporten.hits.jwks).toBe(jwksHits);
  });
});

describe('outside production the same jwks_uri is taken (control for the test above)', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;
  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    maskinporten.jwksUriOverride = maskinporten.jwksUrl.replace('127.0.0.1', '0.0.0.0');
    running = await startApp({ env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl } });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  it('exchanges with keys from http://0.0.0.0', async () => {
    expect((await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).status).toBe(200);
    expect(maskinporten.hits.jwks).toBeGreaterThan(0);
  });
});

describe('TRUST_PROXY in production', () => {
  it('refuses true, with which any client picks its own address', () => {
    const line = refusal({ TRUST_PROXY: 'true' });
    expect(line).toContain(
      'TRUST_PROXY must not trust every proxy (give at most 3 hops, or addresses and subnets no wider than /8 for IPv4 and /32 for IPv6) in production (got "true")',
    );
  });

  it('refuses a subnet that trusts every address', () => {
    expect(refusal({ TRUST_PROXY: '10.0.0.1, 0.0.0.0/0' })).toContain('TRUST_PROXY must not trust every proxy');
  });

  it('refuses a hop count over 3 and subnets that together cover every address', () => {
    expect(refusal({ TRUST_PROXY: '99' })).toContain('TRUST_PROXY must not trust every proxy');
    expect(refusal({ TRUST_PROXY: '0.0.0.0/1,128.0.0.0/1' })).toContain('TRUST_PROXY must not trust every proxy');
  });
});
