import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { bearerToken } from '../common/bearer-token';
import { Clock } from '../common/clock';
import { InvalidTokenError } from '../common/errors';
import { ExchangeEvents } from '../common/exchange-events';
import { EXCHANGED_AT } from '../common/issued-claims';
import { tokenConfig } from '../config';
import { OwnTokenVerifier } from '../keys/own-token-verifier';
import { SignedToken, TokenSigner } from '../keys/token-signer';

/** When the chain of refreshes began: the first exchange. Absent on a token straight from an exchange. */
export { EXCHANGED_AT };

/**
 * A new token for one of ours: same claims, new jti/iat/nbf/exp. A chain of refreshes never
 * outlives REFRESH_MAX_AGE_SECONDS from the first exchange, so a stolen token cannot live forever.
 */
@Injectable()
export class TokenRefresh {
  constructor(
    private readonly verifier: OwnTokenVerifier,
    private readonly signer: TokenSigner,
    private readonly events: ExchangeEvents,
    private readonly clock: Clock,
    @Inject(tokenConfig.KEY) private readonly config: ConfigType<typeof tokenConfig>,
  ) {}

  /** `authorization` is the request's Authorization header; every refusal, a missing header included, is decided here. */
  async refresh(authorization: string | string[] | undefined): Promise<SignedToken> {
    try {
      const payload = await this.verifier.verify(bearerToken(authorization));
      const origin = typeof payload[EXCHANGED_AT] === 'number' ? payload[EXCHANGED_AT] : (payload.iat as number);
      const remaining = origin + this.config.refreshMaxAgeSeconds - this.clock.nowSeconds();
      if (remaining <= 0) throw new InvalidTokenError('the token is past its refresh window; exchange a new upstream token', 'refresh_window_over');
      const { iss: _iss, iat: _iat, nbf: _nbf, exp: _exp, jti: _jti, ...claims } = payload;
      const signed = await this.signer.sign({ ...claims, [EXCHANGED_AT]: origin }, { lifetimeSeconds: remaining });
      this.events.issued('refresh', { issuedJti: signed.jti });
      return signed;
    } catch (error) {
      this.events.notIssued('refresh', error);
      throw error;
    }
  }
}
