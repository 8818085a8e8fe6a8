import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ConfigurationError } from './configuration-error';
import { Environment, parseEnvironment } from './environment';
import { projectRoot } from './project-root';

const PRODUCTION = {
  NODE_ENV: 'production',
  ISSUER_URL: 'https://auth.example/authentication/api/v1/openid/',
  KEY_ENCRYPTION_KEY: 'k'.repeat(40),
  MASKINPORTEN_WELL_KNOWN_URLS: 'https://mp.example/.well-known/oauth-authorization-server',
  IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/.well-known/openid-configuration',
  MASKINPORTEN_AUDIENCE: 'https://auth.example/',
};

describe('environment', () => {
  it('applies the defaults on an empty environment', () => {
    expect(parseEnvironment({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      TOKEN_LIFETIME_SECONDS: 1800,
      TRUSTED_ALGORITHMS: 'RS256',
    });
  });

  it('accepts a complete production environment', () => {
    expect(parseEnvironment(PRODUCTION).NODE_ENV).toBe('production');
  });

  it('names every bad variable in one message', () => {
    try {
      parseEnvironment({ PORT: '0', CLOCK_SKEW_SECONDS: 'ten', TRUSTED_ALGORITHMS: 'RS256,HS256' });
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).problems).toHaveLength(3);
    }
  });

  it('refuses none and HS* as trusted algorithms', () => {
    for (const value of ['none', 'HS256', 'RS256,none'])
      expect(() => parseEnvironment({ TRUSTED_ALGORITHMS: value })).toThrow(ConfigurationError);
  });

  it('refuses auto-provisioning in production', () => {
    expect(() => parseEnvironment({ ...PRODUCTION, PROFILES_AUTO_PROVISION: 'true' })).toThrow(
      'PROFILES_AUTO_PROVISION must be false in production',
    );
  });

  it('refuses login in production without our ID-porten client, or with the test IdP as upstream', () => {
    expect(() => parseEnvironment({ ...PRODUCTION, LOGIN_ENABLED: 'true' })).toThrow(
      'IDPORTEN_CLIENT_ID must be set when LOGIN_ENABLED is true in production (got nothing)',
    );
    expect(() => parseEnvironment({ ...PRODUCTION, LOGIN_ENABLED: 'true', IDPORTEN_CLIENT_ID: 'ours' })).toThrow(
      'IDPORTEN_CLIENT_SECRET must be set when LOGIN_ENABLED is true in production (got nothing)',
    );
    const configured = { ...PRODUCTION, LOGIN_ENABLED: 'true', IDPORTEN_CLIENT_ID: 'ours', IDPORTEN_CLIENT_SECRET: 's'.repeat(32) };
    expect(parseEnvironment(configured).LOGIN_ENABLED).toBe(true);
    expect(() =>
      parseEnvironment({
        ...configured,
        IDPORTEN_WELL_KNOWN_URLS: 'https://auth.example/test-idp/idporten/.well-known/openid-configuration',
      }),
    ).toThrow('IDPORTEN_WELL_KNOWN_URLS must not name the test IdP when LOGIN_ENABLED is true in production');
    // The secret never appears in a message.
    expect(() => parseEnvironment({ ...configured, IDPORTEN_CLIENT_SECRET: 'short' })).toThrow(
      'IDPORTEN_CLIENT_SECRET must be at least 16 characters (got "***")',
    );
  });

  it('refuses plain-http upstream discovery URLs in production, except loopback', () => {
    expect(() =>
      parseEnvironment({ ...PRODUCTION, MASKINPORTEN_WELL_KNOWN_URLS: 'http://mp.example/.well-known/oauth-authorization-server' }),
    ).toThrow('MASKINPORTEN_WELL_KNOWN_URLS must hold only https URLs (http only to a loopback address) in production');
    expect(() => parseEnvironment({ ...PRODUCTION, IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/a,http://[fe80::1]/b' })).toThrow(
      'IDPORTEN_WELL_KNOWN_URLS must hold only https URLs',
    );
    for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:9000/x']) {
      expect(parseEnvironment({ ...PRODUCTION, IDPORTEN_WELL_KNOWN_URLS: url }).IDPORTEN_WELL_KNOWN_URLS).toBe(url);
    }
    expect(parseEnvironment({ MASKINPORTEN_WELL_KNOWN_URLS: 'http://mp.example/x' }).MASKINPORTEN_WELL_KNOWN_URLS).toBe(
      'http://mp.example/x',
    );
  });

  it('refuses TRUST_PROXY=true (and a catch-all subnet) in production, not a hop count or addresses', () => {
    for (const value of ['true', 'TRUE', '0.0.0.0/0', '10.0.0.0/8,::/0']) {
      expect(() => parseEnvironment({ ...PRODUCTION, TRUST_PROXY: value })).toThrow('TRUST_PROXY must not trust every proxy');
    }
    for (const value of ['1', '2', '10.0.0.0/8', 'loopback, 10.1.2.3'])
      expect(parseEnvironment({ ...PRODUCTION, TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    expect(parseEnvironment({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe('true');
  });

  it('refuses in production more than 3 hops, and subnets wider than /8 (IPv4) or /32 (IPv6)', () => {
    for (const value of [
      '4',
      '99',
      '0.0.0.0/1,128.0.0.0/1',
      '10.0.0.0/7',
      '10.0.0.0/128.0.0.0',
      '2001:db8::/31',
      '::/1',
      'uniquelocal',
      'linklocal',
      'proxy.example',
    ])
      expect(() => parseEnvironment({ ...PRODUCTION, TRUST_PROXY: value })).toThrow(
        `TRUST_PROXY must not trust every proxy (give at most 3 hops, or addresses and subnets no wider than /8 for IPv4 and /32 for IPv6) in production (got "${value}")`,
      );
    for (const value of [
      '3',
      '0',
      '10.0.0.0/8',
      '10.0.0.0/255.0.0.0',
      '192.168.1.0/24',
      '2001:db8::/32',
      '2001:db8::1',
      'fd00::/48',
      'loopback',
    ])
      expect(parseEnvironment({ ...PRODUCTION, TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    expect(parseEnvironment({ TRUST_PROXY: '99' }).TRUST_PROXY).toBe('99');
  });

  it('refuses production without a Maskinporten binding: an audience, or accepting any audience explicitly', () => {
    const { MASKINPORTEN_AUDIENCE: _audience, ...unbound } = PRODUCTION;
    expect(() => parseEnvironment(unbound)).toThrow(
      'MASKINPORTEN_AUDIENCE must be set (or MASKINPORTEN_ACCEPT_ANY_AUDIENCE=true for any audience) in production (got nothing)',
    );
    expect(parseEnvironment({ ...unbound, MASKINPORTEN_ACCEPT_ANY_AUDIENCE: 'true' }).MASKINPORTEN_ACCEPT_ANY_AUDIENCE).toBe(true);
    expect(() => parseEnvironment({ ...unbound, MASKINPORTEN_ACCEPT_ANY_AUDIENCE: 'false' })).toThrow('MASKINPORTEN_AUDIENCE must be set');
  });

  it('refuses an audience and accepting any audience together, anywhere', () => {
    expect(() => parseEnvironment({ MASKINPORTEN_AUDIENCE: 'https://a.example/', MASKINPORTEN_ACCEPT_ANY_AUDIENCE: 'true' })).toThrow(
      'MASKINPORTEN_ACCEPT_ANY_AUDIENCE must be false when MASKINPORTEN_AUDIENCE is set',
    );
  });

  it('refuses production with an open ID-porten scope policy and no audience or required scope', () => {
    expect(() => parseEnvironment({ ...PRODUCTION, IDPORTEN_ACCEPTED_SCOPE_PREFIXES: '*' })).toThrow(
      'IDPORTEN_ACCEPTED_SCOPE_PREFIXES may be * only with IDPORTEN_AUDIENCE or IDPORTEN_REQUIRED_SCOPE set in production (got "*")',
    );
    expect(() => parseEnvironment({ ...PRODUCTION, IDPORTEN_ACCEPTED_SCOPE_PREFIXES: '*', IDPORTEN_AUDIENCE: 'rp' })).not.toThrow();
    expect(() =>
      parseEnvironment({ ...PRODUCTION, IDPORTEN_ACCEPTED_SCOPE_PREFIXES: '*', IDPORTEN_REQUIRED_SCOPE: 'altinn:enduser' }),
    ).not.toThrow();
    expect(() => parseEnvironment({ ...PRODUCTION, IDPORTEN_ACCEPTED_SCOPE_PREFIXES: 'altinn:, partner:' })).not.toThrow();
  });

  it('refuses malformed scope rules', () => {
    for (const value of ['altinn: partner:', 'a,,b', 'alt*', ',altinn:']) {
      expect(() => parseEnvironment({ IDPORTEN_ACCEPTED_SCOPE_PREFIXES: value })).toThrow(
        'IDPORTEN_ACCEPTED_SCOPE_PREFIXES must be a comma-separated list',
      );
    }
    for (const value of ['altinn:service owner', 'a*'])
      expect(() => parseEnvironment({ MASKINPORTEN_ORG_CLAIM_SCOPE: value })).toThrow(
        'MASKINPORTEN_ORG_CLAIM_SCOPE must be a scope prefix',
      );
  });

  it('documents every variable in .env.example and in the README table', () => {
    const example = readFileSync(join(projectRoot(), '.env.example'), 'utf8');
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    for (const name of Object.keys(new Environment())) {
      expect([name, new RegExp(`^(# )?${name}=`, 'm').test(example)]).toEqual([name, true]);
      expect([name, readme.includes(`| \`${name}\` |`)]).toEqual([name, true]);
    }
  });
});
