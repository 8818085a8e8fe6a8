import { describe, it } from 'node:test';
import { expect } from 'expect';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService } from '../helpers/spawn';

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
      TEST_IDP_ENABLED: 'true',
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid configuration: TEST_IDP_ENABLED must be false in production (got "true")');
  });

  it('masks a secret even when it is the bad value', async () => {
    const { code, stderr } = await startWith({ KEY_ENCRYPTION_KEY: 'short-secret' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'Invalid configuration: KEY_ENCRYPTION_KEY must be at least 32 characters of secret material (got "***")',
    );
  });
});
