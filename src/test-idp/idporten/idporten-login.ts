import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { SignJWT } from 'jose';
import { Clock } from '../../common/clock';
import { testIdpConfig } from '../../config';
import { withOverrides } from '../shared/claim-overrides';
import { IssuerKeyStore } from '../shared/issuer-key-store';
import { DEFAULT_ACR } from './login-page';
import type { IdportenTokenDto } from './idporten-token.dto';

const ACCESS_TOKEN_LIFETIME_S = 600;
export const DEFAULT_AUDIENCE = 'test-idp-client';

/** Issues ID-porten-shaped access tokens for a person, as the seed's input example. */
@Injectable()
export class IdportenLogin {
  constructor(
    private readonly keys: IssuerKeyStore,
    private readonly clock: Clock,
    @Inject(testIdpConfig.KEY) private readonly config: ConfigType<typeof testIdpConfig>,
  ) {}

  get issuer(): string {
    return `${this.config.baseUrl}/idporten/`;
  }

  async token(request: IdportenTokenDto): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
    const key = await this.keys.key('idporten');
    const now = this.clock.nowSeconds();
    const scope = request.scope ?? 'openid profile';
    const lifetime = request.expires_in ?? ACCESS_TOKEN_LIFETIME_S;
    const base: Record<string, unknown> = {
      at_hash: randomBytes(16).toString('base64url'),
      // Pairwise subject: stable per person, not the pid.
      sub: createHash('sha256').update(`${this.issuer}|${request.pid}`).digest('base64'),
      amr: request.amr && request.amr.length > 0 ? request.amr : ['Minid-PIN'],
      iss: this.issuer,
      pid: request.pid,
      locale: request.locale ?? 'nb',
      sid: randomBytes(32).toString('base64url'),
      aud: request.aud ?? DEFAULT_AUDIENCE,
      acr: request.acr ?? DEFAULT_ACR,
      auth_time: now,
      exp: now + lifetime,
      iat: now,
      jti: randomBytes(32).toString('base64url'),
      scope,
    };
    if (request.nonce !== undefined) base.nonce = request.nonce;
    const claims = withOverrides(base, request.claims);
    const token = await new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: typeof claims.scope === 'string' ? claims.scope : scope,
    };
  }
}
