import { GRANT_TYPES, INTROSPECTION_AUTH_METHODS, TOKEN_ENDPOINT_AUTH_METHODS } from '../common/oauth';
import { EXCHANGE_PROVIDERS, JWKS_SEGMENT, OPENID_PATH, ROUTES, WELL_KNOWN_OPENID_CONFIGURATION } from '../common/routes';
import { ISSUED_CLAIM_NAMES } from '../common/issued-claims';

/**
 * The service's base URL from the issuer: an issuer ending in `authentication/api/v1/openid/` sits
 * on the service itself, any other issuer is taken as the base. Never from the request's Host.
 */
export function serviceBaseUrl(issuer: string): string {
  const suffix = `${OPENID_PATH}/`;
  return issuer.endsWith(suffix) ? issuer.slice(0, -suffix.length) : issuer;
}

/** What the document depends on besides the issuer: endpoints that are only served when configured. */
interface ServedFeatures {
  introspection: boolean;
}

/**
 * The discovery document, built from the same constants the routes and the token endpoint use, so
 * it names only what is served: the RFC 8693 token endpoint (no client authentication), the
 * introspection endpoint when it is on, the GET exchanges, and our keys. No authorization endpoint,
 * so no response type; no `sub`, so no subject types; no ID tokens, so no ID token algorithms.
 */
export function buildDiscoveryDocument(issuer: string, served: ServedFeatures): Record<string, unknown> {
  const base = serviceBaseUrl(issuer);
  const introspection = served.introspection
    ? {
        introspection_endpoint: `${base}${ROUTES.introspection}`,
        introspection_endpoint_auth_methods_supported: [...INTROSPECTION_AUTH_METHODS],
      }
    : {};
  return {
    issuer,
    jwks_uri: `${issuer}${WELL_KNOWN_OPENID_CONFIGURATION}/${JWKS_SEGMENT}`,
    token_endpoint: `${base}${ROUTES.token}`,
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    grant_types_supported: [...GRANT_TYPES],
    ...introspection,
    exchange_endpoints: {
      [EXCHANGE_PROVIDERS.maskinporten]: `${base}${ROUTES.maskinportenExchange}`,
      [EXCHANGE_PROVIDERS.idporten]: `${base}${ROUTES.idportenExchange}`,
    },
    response_types_supported: [],
    claims_supported: [...ISSUED_CLAIM_NAMES],
  };
}
