import { MAX_TOKEN_BYTES } from '../../common/bearer-token';
import { OAuthError } from '../../common/errors';
import { EXCHANGEABLE_TOKEN_TYPES, TOKEN_EXCHANGE_GRANT_TYPE, TokenTypeUri } from '../../common/oauth';

/** An RFC 8693 token exchange request, read and checked. */
interface TokenExchangeRequest {
  subjectToken: string;
  subjectTokenType: string;
  /** What `issued_token_type` will say: the requested type, or a JWT. */
  issuedTokenType: string;
  /** `audience` and `resource` values together, for TokenAudiences. */
  audience: string[];
}

/** What the controller hands over: the parsed form and the two facts about the request's headers. */
export interface TokenRequestInput {
  body: unknown;
  formEncoded: boolean;
  hasAuthorization: boolean;
}

type Form = Record<string, string | string[] | undefined>;

const invalid = (description: string) => new OAuthError('invalid_request', description);

/** A parameter that may appear once; empty counts as absent (RFC 6749 §3.1). */
function single(form: Form, name: string): string | undefined {
  const value = form[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be sent once`);
  return value;
}

/** A parameter RFC 8693 lets the client repeat (audience, resource). */
function repeated(form: Form, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

/** RFC 8707: a resource is an absolute URI without a fragment. */
function checkResource(resource: string): void {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new OAuthError('invalid_target', 'a resource must be an absolute URI');
  }
  if (url.hash !== '' || resource.includes('#')) throw new OAuthError('invalid_target', 'a resource must not contain a fragment');
}

/**
 * Reads an RFC 8693 token exchange request: form-encoded, no client authentication, the
 * token-exchange grant, one subject token of a JWT access token type. Unknown parameters (such as
 * a public client's `client_id`) are ignored, as RFC 6749 §3.2 asks; delegation and scope
 * narrowing are refused rather than ignored, since ignoring them would issue more than was asked.
 */
export function readTokenExchangeRequest(input: TokenRequestInput): TokenExchangeRequest {
  if (!input.formEncoded) throw invalid('the request body must be application/x-www-form-urlencoded');
  if (input.hasAuthorization) {
    throw invalid('this endpoint takes no Authorization header and no client credentials: send the token as subject_token');
  }
  const form = (typeof input.body === 'object' && input.body !== null ? input.body : {}) as Form;
  const grantType = single(form, 'grant_type');
  if (grantType === undefined) throw invalid('grant_type is missing');
  if (grantType !== TOKEN_EXCHANGE_GRANT_TYPE)
    throw new OAuthError('unsupported_grant_type', `the only grant type served is ${TOKEN_EXCHANGE_GRANT_TYPE}`);
  const subjectToken = single(form, 'subject_token');
  if (subjectToken === undefined) throw invalid('subject_token is missing');
  if (subjectToken.length > MAX_TOKEN_BYTES) throw invalid('the subject_token is larger than 8 KB');
  const subjectTokenType = single(form, 'subject_token_type');
  if (subjectTokenType === undefined) throw invalid('subject_token_type is missing');
  if (!EXCHANGEABLE_TOKEN_TYPES.includes(subjectTokenType))
    throw invalid(`subject_token_type must be one of ${EXCHANGEABLE_TOKEN_TYPES.join(', ')}`);
  const requestedTokenType = single(form, 'requested_token_type');
  if (requestedTokenType !== undefined && !EXCHANGEABLE_TOKEN_TYPES.includes(requestedTokenType)) {
    throw invalid(`requested_token_type must be one of ${EXCHANGEABLE_TOKEN_TYPES.join(', ')}`);
  }
  if (single(form, 'actor_token') !== undefined || single(form, 'actor_token_type') !== undefined) {
    throw invalid('delegation (actor_token) is not supported');
  }
  if (single(form, 'scope') !== undefined)
    throw new OAuthError('invalid_scope', "the issued token carries the subject token's scope; a scope cannot be requested");
  const resources = repeated(form, 'resource');
  resources.forEach(checkResource);
  return {
    subjectToken,
    subjectTokenType,
    issuedTokenType: requestedTokenType ?? TokenTypeUri.jwt,
    audience: [...repeated(form, 'audience'), ...resources],
  };
}
