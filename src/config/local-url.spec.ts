import { describe, it } from 'node:test';
import { expect } from 'expect';
import { parseEnvironment } from './environment';
import { localOrigin } from './local-url';
import { deriveSettings } from './settings';

describe('one host name', () => {
  it('gives the issuer default, the test IdP and the service’s calls to it the same origin', () => {
    const settings = deriveSettings(parseEnvironment({ PORT: '3456' }));
    const origin = 'http://127.0.0.1:3456';
    expect(settings.server.origin).toBe(origin);
    expect(settings.token.issuer).toBe(`${origin}/authentication/api/v1/openid/`);
    expect(settings.testIdp.baseUrl).toBe(`${origin}/test-idp`);
    expect(settings.issuers.maskinporten.wellKnownUrls).toEqual([`${origin}/test-idp/maskinporten/.well-known/oauth-authorization-server`]);
    expect(settings.issuers.idporten.wellKnownUrls).toEqual([`${origin}/test-idp/idporten/.well-known/openid-configuration`]);
  });

  it('reaches a wildcard listener through IPv4 loopback, and a specific HOST by its own name', () => {
    expect(localOrigin({ HOST: '0.0.0.0', PORT: 3000 })).toBe('http://127.0.0.1:3000');
    expect(localOrigin({ HOST: '::', PORT: 3000 })).toBe('http://127.0.0.1:3000');
    expect(localOrigin({ HOST: '127.0.0.1', PORT: 80 })).toBe('http://127.0.0.1:80');
    expect(localOrigin({ HOST: '10.0.0.5', PORT: 3000 })).toBe('http://10.0.0.5:3000');
    expect(localOrigin({ HOST: '::1', PORT: 3000 })).toBe('http://[::1]:3000');
    expect(localOrigin({ HOST: 'auth.internal', PORT: 3000 })).toBe('http://auth.internal:3000');
  });

  it('leaves an explicit ISSUER_URL alone', () => {
    expect(deriveSettings(parseEnvironment({ ISSUER_URL: 'https://auth.example/x/' })).token.issuer).toBe('https://auth.example/x/');
  });
});
