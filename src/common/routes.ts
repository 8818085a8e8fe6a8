/**
 * Every path the service serves, relative to its base URL: the one place they are spelled.
 * Controllers mount at these; discovery, metrics and the OpenAPI set-up read them.
 */
export const API_PREFIX = 'authentication/api/v1';
export const OPENID_PATH = `${API_PREFIX}/openid`;
export const EXCHANGE_PATH = `${API_PREFIX}/exchange`;
/** Where the test IdP serves (development only): one stand-in per provider below it. */
export const TEST_IDP_PATH = 'test-idp';
const HEALTH_PATH = 'health';

/** Where an issuer's OpenID Connect discovery document sits below the issuer, and its JWKS below that. */
export const WELL_KNOWN_OPENID_CONFIGURATION = '.well-known/openid-configuration';
export const JWKS_SEGMENT = 'jwks';

/** How each upstream provider is named in its exchange URL: `${EXCHANGE_PATH}/id-porten`. */
export const EXCHANGE_PROVIDERS = { maskinporten: 'maskinporten', idporten: 'id-porten' } as const;

export const ROUTES = {
  /** OpenID Connect discovery; its JWKS sits below it at `/jwks`. */
  discovery: `${OPENID_PATH}/${WELL_KNOWN_OPENID_CONFIGURATION}`,
  exchange: EXCHANGE_PATH,
  maskinportenExchange: `${EXCHANGE_PATH}/${EXCHANGE_PROVIDERS.maskinporten}`,
  idportenExchange: `${EXCHANGE_PATH}/${EXCHANGE_PROVIDERS.idporten}`,
  refresh: `${API_PREFIX}/refresh`,
  /** RFC 8693 token exchange (POST, form-encoded): discovery's token_endpoint. */
  token: `${API_PREFIX}/token`,
  /** RFC 7662 introspection (POST), served only when INTROSPECTION_TOKENS is set. */
  introspection: `${API_PREFIX}/introspect`,
  /** The OpenID Provider for people in browsers (login/): authorization code flow brokering ID-porten. */
  authorize: `${API_PREFIX}/authorize`,
  userinfo: `${API_PREFIX}/userinfo`,
  /** RP-initiated logout: discovery's end_session_endpoint. */
  endSession: `${OPENID_PATH}/logout`,
  upstreamCallback: `${API_PREFIX}/upstream/callback`,
  upstreamFrontchannelLogout: `${API_PREFIX}/upstream/frontchannel-logout`,
  upstreamLogoutReturn: `${API_PREFIX}/upstream/logged-out`,
  /** The platform cookie: `?goto=` puts the person's token in it and goes there. */
  platformCookie: `${API_PREFIX}/authentication`,
  logout: `${API_PREFIX}/logout`,
  /** The probes: liveness never touches a dependency, readiness names what is down. */
  liveness: `${HEALTH_PATH}/live`,
  readiness: `${HEALTH_PATH}/ready`,
  metrics: 'metrics',
  /** The OpenAPI UI and its JSON document (outside production, or when OPENAPI_ENABLED). */
  docs: 'docs',
  docsJson: 'docs-json',
  testIdpMaskinporten: `${TEST_IDP_PATH}/maskinporten`,
  testIdpIdporten: `${TEST_IDP_PATH}/idporten`,
  /** Development: a page that runs the login round trip and shows the tokens. */
  testIdpLoginDemo: `${TEST_IDP_PATH}/login-demo`,
  testIdpLoginDemoCallback: `${TEST_IDP_PATH}/login-demo/callback`,
} as const;

/**
 * The service's base URL from the issuer: an issuer ending in `authentication/api/v1/openid/` sits
 * on the service itself, any other issuer is taken as the base. Never from the request's Host.
 */
export function serviceBaseUrl(issuer: string): string {
  const suffix = `${OPENID_PATH}/`;
  return issuer.endsWith(suffix) ? issuer.slice(0, -suffix.length) : issuer;
}

/** What each test IdP serves below its base path (ROUTES.testIdpMaskinporten, ROUTES.testIdpIdporten). */
export const TEST_IDP_PATHS = {
  maskinportenMetadata: '.well-known/oauth-authorization-server',
  idportenMetadata: WELL_KNOWN_OPENID_CONFIGURATION,
  jwks: JWKS_SEGMENT,
  token: 'token',
  authorize: 'authorize',
  userinfo: 'userinfo',
  login: 'login',
  loginScript: 'login.js',
  endSession: 'endsession',
  clients: 'clients',
  /** The provisioning API below test Maskinporten (Nest route patterns). */
  client: 'clients/:id',
  clientKeys: 'clients/:id/jwks',
  scopes: 'scopes',
  scopeAccess: 'scopes/access/:orgno',
  /** Scope names hold a slash (`altinn:instances/metadata.read`), so the name is the rest of the path. */
  scope: 'scopes/*name',
  systems: 'systems',
  systemUsers: 'systemusers',
  delegations: 'delegations',
} as const;
