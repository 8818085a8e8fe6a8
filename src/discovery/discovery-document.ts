import { EXCHANGE_PROVIDERS, OPENID_PATH, ROUTES } from '../common/routes';
import { ISSUED_CLAIM_NAMES } from '../common/issued-claims';

/**
 * The service's base URL from the issuer: an issuer ending in `authentication/api/v1/openid/` sits
 * on the service itself, any other issuer is taken as the base. Never from the request's Host.
 */
export function serviceBaseUrl(issuer: string): string {
  const suffix = `${OPENID_PATH}/`;
  return issuer.endsWith(suffix) ? issuer.slice(0, -suffix.length) : issuer;
}

export function buildDiscoveryDocument(issuer: string): Record<string, unknown> {
  const base = serviceBaseUrl(issuer);
  return {
    issuer,
    jwks_uri: `${issuer}.well-known/openid-configuration/jwks`,
    token_endpoint: `${base}${ROUTES.maskinportenExchange}`,
    exchange_endpoints: {
      [EXCHANGE_PROVIDERS.maskinporten]: `${base}${ROUTES.maskinportenExchange}`,
      [EXCHANGE_PROVIDERS.idporten]: `${base}${ROUTES.idportenExchange}`,
    },
    response_types_supported: ['token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['bearer'],
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange'],
    claims_supported: [...ISSUED_CLAIM_NAMES],
  };
}
