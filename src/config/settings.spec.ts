import { describe, it } from 'node:test';
import { expect } from 'expect';
import { parseEnvironment } from './environment';
import { deriveSettings, SAMPLE_ORGANISATIONS_FILE, Settings } from './settings';

const PRODUCTION = {
  NODE_ENV: 'production',
  ISSUER_URL: 'https://auth.example/authentication/api/v1/openid/',
  KEY_ENCRYPTION_KEY: 'k'.repeat(40),
  MASKINPORTEN_WELL_KNOWN_URLS: 'https://mp.example/.well-known/oauth-authorization-server',
  IDPORTEN_WELL_KNOWN_URLS: 'https://idp.example/.well-known/openid-configuration',
  MASKINPORTEN_AUDIENCE: 'https://auth.example/',
};

const settingsOf = (env: Record<string, string>): Settings => deriveSettings(parseEnvironment(env));

/** Every development convenience, as one comparable object; all true means "on". */
function conveniences(settings: Settings) {
  return {
    testIdp: settings.testIdp.enabled,
    openApi: settings.http.openApiEnabled,
    autoProvisionProfiles: settings.profiles.autoProvision,
    seedDevelopmentProfile: settings.profiles.seedDevelopmentProfile,
    generatedEncryptionKey: settings.keys.allowGeneratedEncryptionKey,
    testOrgMapping: settings.maskinporten.allowTestOrgMapping,
    sampleOrganisations: settings.organisations.source === SAMPLE_ORGANISATIONS_FILE,
    standInMaskinporten: settings.issuers.maskinporten.wellKnownUrls.some((url) => url.startsWith(settings.testIdp.baseUrl)),
    standInIdporten: settings.issuers.idporten.wellKnownUrls.some((url) => url.startsWith(settings.testIdp.baseUrl)),
    localIssuer: settings.token.issuer.startsWith('http://127.0.0.1:'),
    prettyLogs: !settings.app.isProduction,
    login: settings.login.enabled,
    loginAtTestIdp: settings.login.registerAtTestIdp,
    loopbackGoto: settings.login.allowLoopback,
  };
}

const ALL_ON = {
  testIdp: true,
  openApi: true,
  autoProvisionProfiles: true,
  seedDevelopmentProfile: true,
  generatedEncryptionKey: true,
  testOrgMapping: true,
  sampleOrganisations: true,
  standInMaskinporten: true,
  standInIdporten: true,
  localIssuer: true,
  prettyLogs: true,
  login: true,
  loginAtTestIdp: true,
  loopbackGoto: true,
};
const ALL_OFF = Object.fromEntries(Object.keys(ALL_ON).map((name) => [name, false]));

describe('settings', () => {
  it('turns every development convenience on in an empty development environment', () => {
    expect(conveniences(settingsOf({}))).toEqual(ALL_ON);
  });

  it('turns every development convenience off in production', () => {
    expect(conveniences(settingsOf(PRODUCTION))).toEqual(ALL_OFF);
  });

  it('keeps the production defaults when only the required variables are set', () => {
    const settings = settingsOf(PRODUCTION);
    expect(settings.token.issuer).toBe(PRODUCTION.ISSUER_URL);
    expect(settings.issuers.maskinporten.wellKnownUrls).toEqual([PRODUCTION.MASKINPORTEN_WELL_KNOWN_URLS]);
    expect(settings.issuers.idporten.wellKnownUrls).toEqual([PRODUCTION.IDPORTEN_WELL_KNOWN_URLS]);
    expect(settings.organisations.source).toBeUndefined();
    expect(settings.http).toEqual({
      rateLimitPerMinute: 600,
      trustProxy: false,
      corsOrigins: [],
      metricsToken: undefined,
      openApiEnabled: false,
      httpsOnly: true,
    });
  });

  it('turns login on in production only when asked to, with our ID-porten client and https redirect URIs', () => {
    const settings = settingsOf({
      ...PRODUCTION,
      LOGIN_ENABLED: 'true',
      IDPORTEN_CLIENT_ID: 'ours',
      IDPORTEN_CLIENT_SECRET: 's'.repeat(32),
    });
    expect(settings.login).toMatchObject({
      enabled: true,
      upstreamClient: { clientId: 'ours', clientSecret: 's'.repeat(32) },
      registerAtTestIdp: false,
      secureCookies: true,
      platformCookieName: 'AltinnStudioRuntime',
      defaultPage: 'https://auth.example/',
      httpsRedirectUrisOnly: true,
      allowLoopback: false,
    });
    expect(conveniences(settings)).toEqual({ ...ALL_OFF, login: true });
  });

  it('serves OpenAPI and maps test organisations in production only when asked to', () => {
    const settings = settingsOf({ ...PRODUCTION, OPENAPI_ENABLED: 'true', ALLOW_TEST_ORG_MAPPING: 'true' });
    expect([settings.http.openApiEnabled, settings.maskinporten.allowTestOrgMapping]).toEqual([true, true]);
    expect(conveniences(settings)).toEqual({ ...ALL_OFF, openApi: true, testOrgMapping: true });
  });

  it('lets development turn each optional convenience off', () => {
    const settings = settingsOf({
      NODE_ENV: 'development',
      TEST_IDP_ENABLED: 'false',
      OPENAPI_ENABLED: 'false',
      PROFILES_AUTO_PROVISION: 'false',
    });
    expect(settings.testIdp.enabled).toBe(false);
    expect(settings.http.openApiEnabled).toBe(false);
    expect(settings.profiles.autoProvision).toBe(false);
    expect(settings.issuers.maskinporten.wellKnownUrls).toEqual([]);
  });

  it('derives durations and lists from their variables', () => {
    const settings = settingsOf({
      TRUST_PROXY: '2',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      KEY_ROTATION_DAYS: '2',
      SHUTDOWN_DRAIN_SECONDS: '5',
    });
    expect(settings.http.trustProxy).toBe(2);
    expect(settings.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(settings.keys.rotationMs).toBe(2 * 86_400_000);
    expect(settings.server.shutdownDrainMs).toBe(5000);
  });

  it('binds both providers by default in production: altinn: scopes for ID-porten, the org claim for altinn:serviceowner', () => {
    const settings = settingsOf(PRODUCTION);
    expect(settings.issuers.idporten.acceptedScopePrefixes).toEqual(['altinn:']);
    expect(settings.maskinporten.orgClaimScope).toBe('altinn:serviceowner');
    expect(settings.issuers.maskinporten).toMatchObject({ audience: 'https://auth.example/', acceptAnyAudience: false });
  });

  it('keeps development permissive: any ID-porten scope, org for any scope', () => {
    const settings = settingsOf({});
    expect(settings.issuers.idporten.acceptedScopePrefixes).toBeUndefined();
    expect(settings.maskinporten.orgClaimScope).toBeUndefined();
  });

  it('reads the scope rules as lists, and * as open', () => {
    const listed = settingsOf({
      IDPORTEN_ACCEPTED_SCOPE_PREFIXES: ' altinn: , partner:x/ ',
      MASKINPORTEN_ORG_CLAIM_SCOPE: 'altinn:serviceowner',
    });
    expect(listed.issuers.idporten.acceptedScopePrefixes).toEqual(['altinn:', 'partner:x/']);
    expect(listed.maskinporten.orgClaimScope).toBe('altinn:serviceowner');
    const open = settingsOf({
      ...PRODUCTION,
      IDPORTEN_ACCEPTED_SCOPE_PREFIXES: '*',
      IDPORTEN_AUDIENCE: 'rp',
      MASKINPORTEN_ORG_CLAIM_SCOPE: '*',
    });
    expect(open.issuers.idporten.acceptedScopePrefixes).toBeUndefined();
    expect(open.maskinporten.orgClaimScope).toBeUndefined();
  });
});
