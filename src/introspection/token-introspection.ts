import { Injectable } from '@nestjs/common';
import { InvalidTokenError } from '../common/errors';
import { ExchangeEvents, INTROSPECTION } from '../common/exchange-events';
import { OwnTokenVerifier } from '../keys/own-token-verifier';

type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

/**
 * RFC 7662 for our own tokens: active when one of our still-published keys signed it, the issuer
 * is ours and it is neither expired nor not yet valid; then its claims. Anything else is simply
 * inactive, without saying why (the audit row says why, never the token).
 */
@Injectable()
export class TokenIntrospection {
  constructor(
    private readonly verifier: OwnTokenVerifier,
    private readonly events: ExchangeEvents,
  ) {}

  async introspect(token: string): Promise<IntrospectionResponse> {
    let claims: Record<string, unknown>;
    try {
      claims = await this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      this.events.publish({ provider: INTROSPECTION, outcome: 'inactive', reason: error.reason });
      return { active: false };
    }
    this.events.publish({ provider: INTROSPECTION, outcome: 'active', issuedJti: typeof claims.jti === 'string' ? claims.jti : undefined });
    return { ...claims, active: true };
  }
}
