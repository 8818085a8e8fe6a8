// test-database: independent (configuration refusals, and a spawned service's start)
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveSettings, parseEnvironment, startUpRefusal } from '../../src/config';
import { freePort } from '../helpers/app';
import { createTestDatabase } from '../helpers/database';
import { spawnService, waitFor } from '../helpers/spawn';

/**
 * The line a start with this environment prints before it exits 1: main.ts parses the environment
 * and derives the settings exactly so, and prints what startUpRefusal makes of the error.
 */
function refusalOf(env: Record<string, string>): string {
  try {
    deriveSettings(parseEnvironment(env));
  } catch (error) {
    return startUpRefusal(error);
  }
  throw new Error(`the environment ${JSON.stringify(env)} was accepted`);
}

const PRODUCTION = {
  NODE_ENV: 'production',
  ISSUER_URL: 'https://auth.example/',
  KEY_ENCRYPTION_KEY: 'x'.repeat(40),
  MASKINPORTEN_WELL_KNOWN_URLS: 'https://mp.example/.well-known/oauth-authorization-server',
  IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/.well-known/openid-configuration',
};

describe('start-up configuration', () => {
  it('refuses a DATABASE_URL of another scheme and masks its password', () => {
    expect(refusalOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toBe(
      'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://root:***@db/x")',
    );
  });

  it('refuses production without the values production needs, naming each in the one line', () => {
    const line = refusalOf({ NODE_ENV: 'production' });
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^Invalid configuration: ISSUER_URL must be set in production \(got nothing\)/);
    expect(line).toContain('KEY_ENCRYPTION_KEY must be set in production');
    expect(line).toContain('MASKINPORTEN_WELL_KNOWN_URLS must be set in production');
  });

  it('refuses an http issuer in production', () => {
    expect(refusalOf({ ...PRODUCTION, ISSUER_URL: 'http://auth.example/', MASKINPORTEN_AUDIENCE: 'https://auth.example/' })).toBe(
      'Invalid configuration: ISSUER_URL must be an https URL in production (got "http://auth.example/")',
    );
  });

  it('refuses the test IdP in production and never prints the encryption key', () => {
    const line = refusalOf({
      ...PRODUCTION,
      KEY_ENCRYPTION_KEY: 'super-secret-value-that-must-not-leak',
      MASKINPORTEN_AUDIENCE: 'https://auth.example/',
      TEST_IDP_ENABLED: 'true',
    });
    expect(line).toBe('Invalid configuration: TEST_IDP_ENABLED must be false in production (got "true")');
  });

  it('masks a secret even when it is the bad value', () => {
    expect(refusalOf({ KEY_ENCRYPTION_KEY: 'short-secret' })).toBe(
      'Invalid configuration: KEY_ENCRYPTION_KEY must be at least 32 characters of secret material (got "***")',
    );
  });

  it('refuses production without a Maskinporten binding, and an ID-porten scope policy opened without an audience', () => {
    expect(refusalOf({ ...PRODUCTION })).toBe(
      'Invalid configuration: MASKINPORTEN_AUDIENCE must be set (or MASKINPORTEN_ACCEPT_ANY_AUDIENCE=true for any audience) in production (got nothing)',
    );
    expect(refusalOf({ ...PRODUCTION, MASKINPORTEN_AUDIENCE: 'https://auth.example/', IDPORTEN_ACCEPTED_SCOPE_PREFIXES: '*' })).toBe(
      'Invalid configuration: IDPORTEN_ACCEPTED_SCOPE_PREFIXES may be * only with IDPORTEN_AUDIENCE or IDPORTEN_REQUIRED_SCOPE set in production (got "*")',
    );
  });

  it('refuses a PORT that is not a port number', () => {
    expect(refusalOf({ PORT: 'abc' })).toBe('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
  });

  it('refuses discovery URLs that are not absolute http(s) URLs, naming the variable', () => {
    expect(refusalOf({ MASKINPORTEN_WELL_KNOWN_URLS: 'not-a-url' })).toBe(
      'Invalid configuration: MASKINPORTEN_WELL_KNOWN_URLS must be a comma-separated list of absolute http(s) URLs (got "not-a-url")',
    );
    expect(refusalOf({ IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/.well-known/openid-configuration,ftp://idp.example/x' })).toBe(
      'Invalid configuration: IDPORTEN_WELL_KNOWN_URLS must be a comma-separated list of absolute http(s) URLs (got "https://idp.example/.well-known/openid-configuration,ftp://idp.example/x")',
    );
    expect(refusalOf({ IDPORTEN_WELL_KNOWN_URLS: '/relative/.well-known/openid-configuration' })).toBe(
      'Invalid configuration: IDPORTEN_WELL_KNOWN_URLS must be a comma-separated list of absolute http(s) URLs (got "/relative/.well-known/openid-configuration")',
    );
  });

  it('refuses http discovery URLs in production', () => {
    expect(
      refusalOf({
        ...PRODUCTION,
        MASKINPORTEN_WELL_KNOWN_URLS: 'http://mp.example/.well-known/oauth-authorization-server',
        MASKINPORTEN_AUDIENCE: 'https://auth.example/',
      }),
    ).toBe(
      'Invalid configuration: MASKINPORTEN_WELL_KNOWN_URLS must hold only https URLs (http only to a loopback address) in production (got "http://mp.example/.well-known/oauth-authorization-server")',
    );
  });

  // The refusals above as a start meets them: one line on stderr, exit 1, nothing else printed.
  it('exits 1 on a refused start, printing only its one line, without a stack', async () => {
    const { code, stdout, stderr } = await spawnService({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-config-')),
      LOG_LEVEL: 'silent',
      PORT: 'abc',
    }).exited;
    expect([code, stdout, stderr]).toEqual([1, '', 'Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")\n']);
  });

  it('starts in production accepting any Maskinporten audience only when told so, with a warning in the log', async () => {
    const database = await createTestDatabase();
    const port = String(await freePort());
    const { child, exited } = spawnService({
      ...PRODUCTION,
      ...database.env,
      PORT: port,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      MASKINPORTEN_ACCEPT_ANY_AUDIENCE: 'true',
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/health/live`);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await database.drop();
    }
    const warnings = (await exited).stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number | string; msg: string })
      .filter((entry) => entry.msg.includes('MASKINPORTEN_ACCEPT_ANY_AUDIENCE=true'));
    expect(warnings).toHaveLength(1);
    expect([40, 'warn']).toContain(warnings[0].level);
    expect(warnings[0].msg).toContain("the platform's historical behaviour");
  });
});
