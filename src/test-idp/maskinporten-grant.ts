import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { DataSource, LessThan } from 'typeorm';
import { Clock } from '../common/clock';
import { testIdpConfig } from '../config';
import { IssuerKeyStore } from './issuer-key-store';
import { OAuthError } from './oauth-error';
import { TestIdpClient, TestIdpScopeAccess, TestIdpUsedAssertion } from './test-idp.entities';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 120;
const ACCESS_TOKEN_LIFETIME_S = 120;
const SKEW_S = 10;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/**
 * Maskinporten's JWT-bearer grant (RFC 7523): a client proves itself with an assertion signed by
 * one of its registered keys and gets an access token shaped like the seed's Maskinporten token.
 */
@Injectable()
export class MaskinportenGrant {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: IssuerKeyStore,
    private readonly clock: Clock,
    @Inject(testIdpConfig.KEY) private readonly config: ConfigType<typeof testIdpConfig>,
  ) {}

  get issuer(): string {
    return `${this.config.baseUrl}/maskinporten/`;
  }

  async grant(body: Record<string, unknown>): Promise<TokenResponse> {
    if (body.grant_type !== JWT_BEARER) throw new OAuthError('unsupported_grant_type', `grant_type must be ${JWT_BEARER}`);
    if (typeof body.assertion !== 'string' || body.assertion.length === 0 || body.assertion.length > 16_384) {
      throw new OAuthError('invalid_request', 'the assertion parameter is required');
    }
    const client = await this.client(body.assertion);
    const claims = await this.verifyAssertion(body.assertion, client);
    const scope = this.scopes(claims, client);
    await this.checkGranted(client, scope);
    await this.consume(client, claims);
    return this.issue(client, scope, claims);
  }

  private async client(assertion: string): Promise<TestIdpClient> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(assertion);
    } catch {
      throw new OAuthError('invalid_grant', 'the assertion is not a JWT');
    }
    const clientId = unverified.iss;
    const client =
      typeof clientId === 'string' && /^[0-9a-f-]{36}$/i.test(clientId)
        ? await this.dataSource.getRepository(TestIdpClient).findOneBy({ clientId })
        : null;
    if (!client) throw new OAuthError('invalid_client', 'the assertion iss is not a registered client_id');
    if (client.jwks.length === 0) throw new OAuthError('invalid_client', 'the client has no registered keys');
    return client;
  }

  private async verifyAssertion(assertion: string, client: TestIdpClient): Promise<JWTPayload> {
    const now = this.clock.nowSeconds();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet({ keys: client.jwks }), {
        algorithms: ['RS256'],
        issuer: client.clientId,
        audience: this.issuer,
        requiredClaims: ['exp', 'iat', 'jti'],
        clockTolerance: SKEW_S,
        currentDate: new Date(this.clock.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new OAuthError('invalid_grant', 'the assertion has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw new OAuthError('invalid_grant', `the assertion ${error.claim} claim is invalid`);
      throw new OAuthError('invalid_grant', 'the assertion signature does not verify with the client keys');
    }
    if ((payload.exp as number) > now + MAX_ASSERTION_LIFETIME_S + SKEW_S) {
      throw new OAuthError('invalid_grant', `the assertion exp may be at most ${MAX_ASSERTION_LIFETIME_S} s ahead`);
    }
    if (typeof payload.jti !== 'string' || payload.jti.length > 256) throw new OAuthError('invalid_grant', 'the assertion jti is invalid');
    return payload;
  }

  private scopes(claims: JWTPayload, client: TestIdpClient): string {
    const requested = typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [];
    if (requested.length === 0) throw new OAuthError('invalid_scope', 'the assertion must carry a scope claim');
    const outside = requested.filter((s) => !client.scopes.includes(s));
    if (outside.length > 0) throw new OAuthError('invalid_scope', `the client may not request ${outside.join(' ')}`);
    return [...new Set(requested)].join(' ');
  }

  private async checkGranted(client: TestIdpClient, scope: string): Promise<void> {
    for (const name of scope.split(' ')) {
      const granted = await this.dataSource.getRepository(TestIdpScopeAccess).existsBy({ scope: name, orgNumber: client.clientOrgno });
      if (!granted) throw new OAuthError('invalid_scope', `${name} is no longer granted to ${client.clientOrgno}`);
    }
  }

  /** Records the assertion's jti until it expires; a second use is a replay. */
  private async consume(client: TestIdpClient, claims: JWTPayload): Promise<void> {
    const repository = this.dataSource.getRepository(TestIdpUsedAssertion);
    await repository.delete({ expiresAt: LessThan(new Date(this.clock.now() - SKEW_S * 1000)) });
    const inserted = await repository
      .createQueryBuilder()
      .insert()
      .values({ key: `${client.clientId}:${claims.jti as string}`, expiresAt: new Date((claims.exp as number) * 1000) })
      .orIgnore()
      .returning(['key'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) throw new OAuthError('invalid_grant', 'the assertion jti was already used');
  }

  private async issue(client: TestIdpClient, scope: string, claims: JWTPayload): Promise<TokenResponse> {
    const key = await this.keys.key('maskinporten');
    const now = this.clock.nowSeconds();
    const resource = typeof claims.resource === 'string' ? claims.resource : 'unspecified';
    const token = await new SignJWT({
      aud: resource,
      scope,
      iss: this.issuer,
      client_amr: 'private_key_jwt',
      token_type: 'Bearer',
      exp: now + ACCESS_TOKEN_LIFETIME_S,
      iat: now,
      client_id: client.clientId,
      client_orgno: client.clientOrgno,
      jti: randomBytes(32).toString('base64url'),
      consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${client.clientOrgno}` },
    })
      .setProtectedHeader({ kid: key.kid, alg: 'RS256' })
      .sign(key.privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_S, scope };
  }
}
