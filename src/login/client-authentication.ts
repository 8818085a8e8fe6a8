import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/errors';
import { OidcClient, OidcClientRepository } from './oidc-client.repository';
import { matchesHash } from './secrets';

/** A 401 invalid_client names the scheme to authenticate with (RFC 6749 §5.2). */
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="token"' };

/** Basic credentials are form-encoded before base64 (RFC 6749 §2.3.1). */
function fromForm(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, '%20'));
}

/**
 * Who is calling the token endpoint: client_secret_basic or client_secret_post for a confidential
 * client (secret compared with its stored hash in constant time), none for a public one (which PKCE
 * binds). One method per request.
 */
@Injectable()
export class ClientAuthentication {
  constructor(private readonly clients: OidcClientRepository) {}

  async authenticate(body: Record<string, unknown>, authorization: string | undefined): Promise<OidcClient> {
    let clientId: unknown = body.client_id;
    let secret: unknown = body.client_secret;
    if (authorization !== undefined && /^basic /i.test(authorization)) {
      if (secret !== undefined) throw new OAuthError('invalid_request', 'use one client authentication method');
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new OAuthError('invalid_client', 'the Basic credentials are malformed', 401, BASIC_CHALLENGE);
      try {
        [clientId, secret] = [fromForm(decoded.slice(0, colon)), fromForm(decoded.slice(colon + 1))];
      } catch {
        throw new OAuthError('invalid_client', 'the Basic credentials are malformed', 401, BASIC_CHALLENGE);
      }
      if (body.client_id !== undefined && body.client_id !== clientId)
        throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials');
    } else if (authorization !== undefined) {
      throw new OAuthError('invalid_client', 'client authentication must be Basic, or in the form', 401, BASIC_CHALLENGE);
    }
    if (typeof clientId !== 'string' || clientId.length === 0)
      throw new OAuthError('invalid_client', 'the client is not identified', 401, BASIC_CHALLENGE);
    const client = await this.clients.findById(clientId);
    if (!client) throw new OAuthError('invalid_client', 'the client is not registered', 401, BASIC_CHALLENGE);
    if (client.public) {
      if (secret !== undefined) throw new OAuthError('invalid_client', 'a public client sends no secret', 401, BASIC_CHALLENGE);
      return client;
    }
    if (typeof secret !== 'string' || secret.length > 512 || !matchesHash(secret, client.secretSha256))
      throw new OAuthError('invalid_client', 'the client secret is missing or wrong', 401, BASIC_CHALLENGE);
    return client;
  }
}
