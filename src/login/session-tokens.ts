import { Injectable } from '@nestjs/common';
import { InvalidTokenError } from '../common/errors';
import { atHash } from '../common/id-token';
import { IdportenExchange } from '../exchange/idporten/idporten-exchange';
import { SignedToken, TokenSigner } from '../keys/token-signer';
import type { LoginSession } from './login-session.repository';

/**
 * The tokens of a session: the platform token the ID-porten exchange issues for that person (its
 * own profile lookup and claims; `sid` the session's id), and the ID token for a client.
 */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly idporten: IdportenExchange,
    private readonly signer: TokenSigner,
  ) {}

  get issuer(): string {
    return this.signer.issuer;
  }

  async accessToken(session: LoginSession): Promise<SignedToken> {
    // Looked up again each time, so that a person removed since the login gets no new token.
    const token = await this.idporten.personToken({
      pid: session.pid,
      acr: session.acr,
      amr: session.amr[0],
      locale: session.locale ?? undefined,
      authTime: session.authTime,
      sessionId: session.id,
    });
    if (!token) throw new InvalidTokenError('the person is no longer known', 'unknown_person');
    return token;
  }

  idToken(session: LoginSession, clientId: string, accessToken: string, nonce?: string | null): Promise<SignedToken> {
    const claims: Record<string, unknown> = {
      sub: session.subject,
      acr: session.acr,
      amr: session.amr,
      auth_time: session.authTime,
      sid: session.id,
      at_hash: atHash(accessToken),
    };
    if (nonce) claims.nonce = nonce;
    return this.signer.sign(claims, { audience: clientId });
  }
}
