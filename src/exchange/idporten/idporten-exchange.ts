import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InsufficientScopeError, InvalidTokenError, ScopeNotAcceptedError } from '../../common/errors';
import { Clock } from '../../common/clock';
import { ExchangeEvents } from '../../common/exchange-events';
import { REFRESH_UNTIL } from '../../common/issued-claims';
import { issuersConfig, tokenConfig } from '../../config';
import type { ExchangeOptions, ProviderExchange } from '../shared/exchange-options';
import { TokenAudiences } from '../shared/token-audiences';
import { SignedToken, TokenSigner } from '../../keys/token-signer';
import { ProfileService } from '../../profiles/profile.service';
import type { VerifiedToken } from '../../trusted-issuers/token-verifier';
import { acrToAuthLevel, hasScope, platformClaims, readIdportenClaims, scopeMatchesPrefixes } from './claims';

/** A person who logged in at ID-porten through our login (login/), as the platform token needs them. */
export interface PersonLogin {
  pid: string;
  acr: string;
  amr?: string;
  locale?: string;
  authTime?: number;
  /** The login session: the token's `sid`. */
  sessionId: string;
}

/** Turns a verified ID-porten token into ours: the person's pid → user and party ids; acr → level. */
@Injectable()
export class IdportenExchange implements ProviderExchange {
  constructor(
    private readonly profiles: ProfileService,
    private readonly signer: TokenSigner,
    private readonly audiences: TokenAudiences,
    private readonly events: ExchangeEvents,
    private readonly clock: Clock,
    @Inject(issuersConfig.KEY) private readonly config: ConfigType<typeof issuersConfig>,
    @Inject(tokenConfig.KEY) private readonly token: ConfigType<typeof tokenConfig>,
  ) {}

  /**
   * The platform token of a person who logged in through our login (login/): the same profile
   * lookup (provisioning only where the exchange would), claims and signing; `sid` is the session.
   * No scope policy: that binds tokens minted for other clients, and this person logged in to us.
   */
  async personToken(login: PersonLogin): Promise<SignedToken | undefined> {
    const profile = await this.profiles.profileFor(login.pid);
    if (!profile) return undefined;
    const claims = platformClaims(
      {
        pid: login.pid,
        acr: login.acr,
        authLevel: acrToAuthLevel(login.acr),
        amr: login.amr,
        locale: login.locale,
        authTime: login.authTime,
      },
      profile,
    );
    return this.signer.sign({ ...claims, sid: login.sessionId });
  }

  /** Fixed, or until the ID-porten token expires (at least a second, never beyond the fixed lifetime). */
  private lifetime(upstreamExp: number | undefined): number | undefined {
    if (this.token.idportenLifetime !== 'upstream' || upstreamExp === undefined) return undefined;
    return Math.max(upstreamExp - this.clock.nowSeconds(), 1);
  }

  async exchange(verified: VerifiedToken, options: ExchangeOptions = {}): Promise<SignedToken> {
    let userId: number | undefined;
    try {
      const claims = readIdportenClaims(verified.payload);
      const audience = this.audiences.resolve(options.audience ?? []);
      const required = this.config.idporten.requiredScope;
      if (required && !hasScope(claims.scope, required)) throw new InsufficientScopeError(required);
      const prefixes = this.config.idporten.acceptedScopePrefixes;
      if (!scopeMatchesPrefixes(claims.scope, prefixes)) throw new ScopeNotAcceptedError(prefixes ?? []);
      const profile = await this.profiles.profileFor(claims.pid);
      if (!profile) throw new InvalidTokenError('unknown person', 'unknown_person');
      userId = profile.userId;
      const lifetimeSeconds = this.lifetime(verified.payload.exp);
      // A token whose life follows the upstream one says until when, so refresh cannot stretch it.
      const chain = lifetimeSeconds === undefined ? {} : { [REFRESH_UNTIL]: verified.payload.exp };
      const signed = await this.signer.sign({ ...platformClaims(claims, profile), ...chain }, { lifetimeSeconds, audience });
      await this.events.issued('idporten', { userId, issuedJti: signed.jti });
      return signed;
    } catch (error) {
      this.events.notIssued('idporten', error, { userId });
      throw error;
    }
  }
}
