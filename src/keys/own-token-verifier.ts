import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { Clock } from '../common/clock';
import { InvalidTokenError } from '../common/errors';
import { checkCompactJws, invalidTokenFromJose } from '../common/jose-errors';
import { spanRecording, verificationInSpan } from '../common/tracing';
import { tokenConfig } from '../config';
import { SIGNING_ALGORITHM } from './key-material';
import { KeyRing } from './key-ring';

/** The provider our own tokens are verified for, on the verification's span. */
const OWN_TOKENS = 'platform';

/** Verifies one of our own tokens exactly as a platform API would: our published keys, our issuer, RS256. */
@Injectable()
export class OwnTokenVerifier {
  private keySet?: { etag: string; resolve: ReturnType<typeof createLocalJWKSet> };

  constructor(
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    @Inject(tokenConfig.KEY) private readonly config: ConfigType<typeof tokenConfig>,
  ) {}

  verify(token: string): Promise<JWTPayload> {
    return spanRecording() ? verificationInSpan(OWN_TOKENS, () => this.verifyNow(token, false)) : this.verifyNow(token, false);
  }

  /**
   * As {@link verify}, but a token past its exp passes: RP-Initiated Logout 1.0 §2 has an OP accept
   * an expired ID token of its own as id_token_hint, which RPs keep from the login.
   */
  verifyPastExpiry(token: string): Promise<JWTPayload> {
    return spanRecording() ? verificationInSpan(OWN_TOKENS, () => this.verifyNow(token, true)) : this.verifyNow(token, true);
  }

  private async verifyNow(token: string, pastExpiry: boolean): Promise<JWTPayload> {
    checkCompactJws(token);
    try {
      const { kid } = decodeProtectedHeader(token);
      if (this.keys.isRevoked(kid))
        throw new InvalidTokenError('the token was signed by a revoked key; exchange a new upstream token', 'revoked_key');
      const { payload, protectedHeader } = await jwtVerify(token, this.publishedKeys(), {
        algorithms: [SIGNING_ALGORITHM],
        issuer: this.config.issuer,
        requiredClaims: ['exp', 'iat', 'jti'],
        clockTolerance: this.config.clockSkewSeconds,
        currentDate: new Date(this.clock.now()),
      }).catch((error: unknown) => {
        // jose checks exp last, after the signature, the algorithm, iss, the required claims and nbf:
        // the claims an expired token carries are ours.
        if (pastExpiry && error instanceof errors.JWTExpired && error.claim === 'exp')
          return { payload: error.payload, protectedHeader: decodeProtectedHeader(token) };
        throw error;
      });
      if (!this.keys.trusts(protectedHeader.kid))
        throw new InvalidTokenError('the token was signed by a key we no longer trust', 'untrusted_key');
      return payload;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw invalidTokenFromJose(error) ?? new InvalidTokenError('the token could not be verified', 'unverifiable');
    }
  }

  /** The JWKS we publish, as a key set; rebuilt only when the published document changes. */
  private publishedKeys(): ReturnType<typeof createLocalJWKSet> {
    const published = this.keys.jwks();
    if (this.keySet?.etag !== published.etag) {
      this.keySet = { etag: published.etag, resolve: createLocalJWKSet({ keys: published.keys }) };
    }
    return this.keySet.resolve;
  }
}
