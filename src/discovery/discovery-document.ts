import {
  AUTHORIZATION_CODE_GRANT_TYPE,
  CLIENT_AUTH_METHODS,
  GRANT_TYPES,
  ID_TOKEN_CLAIMS,
  INTROSPECTION_AUTH_METHODS,
  LOGIN_ACR_VALUES,
  REFRESH_TOKEN_GRANT_TYPE,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from '../common/oauth';
import { EXCHANGE_PROVIDERS, JWKS_SEGMENT, ROUTES, serviceBaseUrl, WELL_KNOWN_OPENID_CONFIGURATION } from '../common/routes';
import { ISSUED_CLAIM_NAMES } from '../common/issued-claims';
import { SIGNING_ALGORITHM } from '../keys/key-material';

/** What the document depends on besides the issuer: endpoints that are only served when configured. */
interface ServedFeatures {
  introspection: boolean;
  /** The OpenID Provider for people in browsers (login/). */
  login: boolean;
}

/**
 * The discovery document, built from the same constants the routes and the token endpoint use, so
 * it names only what is served: the RFC 8693 token endpoint, the introspection endpoint when it is
 * on, the GET exchanges, our keys, and with login on the complete OpenID Provider (authorization,
 * userinfo and end-session endpoints, the code and refresh grants, PKCE S256, front-channel logout).
 * OpenID Connect Discovery 1.0 §3's REQUIRED fields are always there: with login off no response
 * type is served, so `response_types_supported` is empty.
 */
export function buildDiscoveryDocument(issuer: string, served: ServedFeatures): Record<string, unknown> {
  const base = serviceBaseUrl(issuer);
  const introspection = served.introspection
    ? {
        introspection_endpoint: `${base}${ROUTES.introspection}`,
        introspection_endpoint_auth_methods_supported: [...INTROSPECTION_AUTH_METHODS],
      }
    : {};
  const login = served.login
    ? {
        authorization_endpoint: `${base}${ROUTES.authorize}`,
        userinfo_endpoint: `${base}${ROUTES.userinfo}`,
        end_session_endpoint: `${base}${ROUTES.endSession}`,
      }
    : {};
  const loginSupport = served.login
    ? {
        response_modes_supported: ['query'],
        scopes_supported: ['openid'],
        code_challenge_methods_supported: ['S256'],
        acr_values_supported: [...LOGIN_ACR_VALUES],
        prompt_values_supported: ['login', 'none'],
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        frontchannel_logout_supported: true,
        frontchannel_logout_session_supported: true,
        authorization_response_iss_parameter_supported: true,
      }
    : {};
  return {
    issuer,
    jwks_uri: `${issuer}${WELL_KNOWN_OPENID_CONFIGURATION}/${JWKS_SEGMENT}`,
    ...login,
    token_endpoint: `${base}${ROUTES.token}`,
    token_endpoint_auth_methods_supported: served.login
      ? [...new Set([...TOKEN_ENDPOINT_AUTH_METHODS, ...CLIENT_AUTH_METHODS])]
      : [...TOKEN_ENDPOINT_AUTH_METHODS],
    grant_types_supported: served.login ? [...GRANT_TYPES, AUTHORIZATION_CODE_GRANT_TYPE, REFRESH_TOKEN_GRANT_TYPE] : [...GRANT_TYPES],
    ...introspection,
    exchange_endpoints: {
      [EXCHANGE_PROVIDERS.maskinporten]: `${base}${ROUTES.maskinportenExchange}`,
      [EXCHANGE_PROVIDERS.idporten]: `${base}${ROUTES.idportenExchange}`,
    },
    response_types_supported: served.login ? ['code'] : [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
    ...loginSupport,
    claims_supported: served.login ? [...new Set([...ISSUED_CLAIM_NAMES, ...ID_TOKEN_CLAIMS])] : [...ISSUED_CLAIM_NAMES],
  };
}
