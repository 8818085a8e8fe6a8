import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { JWTPayload } from 'jose';
import { AuthorizedRequest, authorizationHeader, bearerToken } from '../common/bearer-token';
import { Clock } from '../common/clock';
import { InvalidTokenError } from '../common/errors';
import { ExchangeEvents, type ExchangeSubject } from '../common/exchange-events';
import { EXCHANGED_AT, REFRESH_UNTIL } from '../common/issued-claims';
import { tokenConfig } from '../config';
import { TokenAudiences } from '../exchange/shared/token-audiences';
import { OwnTokenVerifier } from '../keys/own-token-verifier';
import { SignedToken, TokenSigner } from '../keys/token-signer';

/** Who a token of ours speaks for, for the audit trail: the client and organisation, or the person's user id. */
function subjectOf(payload: JWTPayload): ExchangeSubject {
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const userId = Number(payload['urn:altinn:userid']);
  return {
    clientId: text(payload.client_id),
    orgNumber: text(payload['urn:altinn:orgNumber']) ?? text(payload.client_orgno),
    userId: Number.isSafeInteger(userId) && userId > 0 ? userId : undefined,
  };
}

/** A numeric claim of ours that may be absent; anything but a number is a token we never issued. */
function optionalTime(payload: JWTPayload, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidTokenError(`the ${name} claim must be a NumericDate`, 'malformed_claims');
  return value;
}

/**
 * A new token for one of ours: same claims, new jti/iat/nbf/exp. A chain of refreshes never
 * outlives REFRESH_MAX_AGE_SECONDS from the first exchange, nor the upstream token it came from
 * (`urn:altinn:refresh_until`), so a stolen token cannot live forever.
 * Its `aud` is kept, checked again against TOKEN_AUDIENCES.
 */
@Injectable()
export class TokenRefresh {
  constructor(
    private readonly verifier: OwnTokenVerifier,
    private readonly signer: TokenSigner,
    private readonly events: ExchangeEvents,
    private readonly audiences: TokenAudiences,
    private readonly clock: Clock,
    @Inject(tokenConfig.KEY) private readonly config: ConfigType<typeof tokenConfig>,
  ) {}

  /** Every refusal, a missing or repeated Authorization header included, is decided here. */
  async refresh(request: AuthorizedRequest, cookieToken?: string): Promise<SignedToken> {
    // Once the token verifies, every outcome names its subject and the token it would replace.
    let subject: ExchangeSubject = {};
    try {
      // The platform cookie counts only when no Authorization header is sent.
      const token = cookieToken !== undefined && authorizationHeader(request) === undefined ? cookieToken : bearerToken(request);
      const payload = await this.verifier.verify(token);
      subject = { ...subjectOf(payload), replacedJti: typeof payload.jti === 'string' ? payload.jti : undefined };
      const now = this.clock.nowSeconds();
      const iat = payload.iat as number;
      const exchangedAt = optionalTime(payload, EXCHANGED_AT);
      const refreshUntil = optionalTime(payload, REFRESH_UNTIL);
      // Times from the future would stretch the window: only a forged token (or a broken clock) has them.
      const latestStart = now + this.config.clockSkewSeconds;
      if (iat > latestStart || (exchangedAt !== undefined && exchangedAt > latestStart)) {
        throw new InvalidTokenError('the token claims to be issued in the future', 'issued_in_future');
      }
      const origin = Math.min(iat, exchangedAt ?? iat);
      const windowEnd = origin + this.config.refreshMaxAgeSeconds;
      const end = refreshUntil === undefined ? windowEnd : Math.min(windowEnd, refreshUntil);
      const remaining = end - now;
      if (remaining <= 0) {
        throw end === windowEnd
          ? new InvalidTokenError('the token is past its refresh window; exchange a new upstream token', 'refresh_window_over')
          : new InvalidTokenError('the upstream token this token came from has expired; exchange a new upstream token', 'upstream_expired');
      }
      const { iss: _iss, iat: _iat, nbf: _nbf, exp: _exp, jti: _jti, aud, ...claims } = payload;
      // A bound token stays bound, and only to audiences TOKEN_AUDIENCES still allows.
      const audience = this.audiences.resolve(aud === undefined ? [] : Array.isArray(aud) ? aud : [aud]);
      const signed = await this.signer.sign({ ...claims, [EXCHANGED_AT]: origin }, { lifetimeSeconds: remaining, audience });
      await this.events.issued('refresh', { ...subject, issuedJti: signed.jti });
      return signed;
    } catch (error) {
      this.events.notIssued('refresh', error, subject);
      throw error;
    }
  }
}
