// test-database: independent (configuration refusals of spawned services)
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/app';
import { createTestDatabase } from '../helpers/database';
import { spawnService, waitFor } from '../helpers/spawn';

const dataDir = () => mkdtempSync(join(tmpdir(), 'auth-config-'));

async function startWith(env: Record<string, string>) {
  const { exited } = spawnService({ DATA_DIR: dataDir(), LOG_LEVEL: 'silent', ...env });
  return exited;
}

describe('start-up configuration', () => {
  it('refuses a PORT that is not a port number, in one line without a stack', async () => {
    const { code, stderr } = await startWith({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
  });

  it('refuses a DATABASE_URL of another scheme and masks its password', async () => {
    const { code, stderr } = await startWith({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://root:***@db/x")',
    );
    expect(stderr).not.toContain('hunter2');
  });

  it('refuses production without the values production needs', async () => {
    const { code, stderr } = await startWith({ NODE_ENV: 'production' });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: ISSUER_URL must be set in production \(got nothing\)/);
    expect(lines[0]).toContain('KEY_ENCRYPTION_KEY must be set in production');
    expect(lines[0]).toContain('MASKINPORTEN_WELL_KNOWN_URLS must be set in production');
  });

  it('refuses an http issuer in production', async () => {
    const { code, stderr } = await startWith({
      NODE_ENV: 'production',
      ISSUER_URL: 'http://auth.example/',
      KEY_ENCRYPTION_KEY: 'x'.repeat(40),
      MASKINPORTEN_WELL_KNOWN_URLS: 'https://mp.example/.well-known/oauth-authorization-server',
      IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/.well-known/openid-configuration',
      MASKINPORTEN_AUDIENCE: 'https://auth.example/',
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid configuration: ISSUER_URL must be an https URL in production (got "http://auth.example/")');
  });

  it('refuses the test IdP in production and never prints the encryption key', async () => {
    const { code, stderr } = await startWith({
      NODE_ENV: 'production',
      ISSUER_URL: 'https://auth.example/',
      KEY_ENCRYPTION_KEY: 'super-secret-value-that-must-not-leak',
      MASKINPORTEN_WELL_KNOWN_URLS: 'https://mp.example/.well-known/oauth-authorization-server',
      IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/.well-known/openid-configuration',
      MASKINPORTEN_AUDIENCE: 'https://auth.example/',
      TEST_IDP_ENABLED: 'true',
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid configuration: TEST_IDP_ENABLED must be false in production (got "true")');
  });

  it('masks a secret even when it is the bad value', async () => {
    const { code, stderr } = await startWith({ KEY_ENCRYPTION_KEY: 'short-secret' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid configuration: KEY_ENCRYPTION_KEY must be at least 32 characters of secret material (got "***")');
  });

  const PRODUCTION = {
    NODE_ENV: 'production',
    ISSUER_URL: 'https://auth.example/',
    KEY_ENCRYPTION_KEY: 'x'.repeat(40),
    MASKINPORTEN_WELL_KNOWN_URLS: 'https://mp.example/.well-known/oauth-authorization-server',
    IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/.well-known/openid-configuration',
  };

  it('refuses production without a Maskinporten binding, and an ID-porten scope policy opened without an audience', async () => {
    const unbound = await startWith({ ...PRODUCTION });
    expect(unbound.code).toBe(1);
    expect(unbound.stderr.trim()).toBe(
      'Invalid configuration: MASKINPORTEN_AUDIENCE must be set (or MASKINPORTEN_ACCEPT_ANY_AUDIENCE=true for any audience) in production (got nothing)',
    );
    const open = await startWith({ ...PRODUCTION, MASKINPORTEN_AUDIENCE: 'https://auth.example/', IDPORTEN_ACCEPTED_SCOPE_PREFIXES: '*' });
    expect(open.code).toBe(1);
    expect(open.stderr.trim()).toBe(
      'Invalid configuration: IDPORTEN_ACCEPTED_SCOPE_PREFIXES may be * only with IDPORTEN_AUDIENCE or IDPORTEN_REQUIRED_SCOPE set in production (got "*")',
    );
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
