import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { Clock } from '../../common/clock';
import { type AuthorizationDetail, SYSTEM_USER_TYPE } from '../../common/issued-claims';
import { ISO6523_AUTHORITY, iso6523, isValidOrgNumber, orgNumberOfIso6523Id } from '../../common/organisation-number';
import { testIdpConfig, tokenConfig } from '../../config';
import { withOverrides } from '../shared/claim-overrides';
import { IssuerKeyStore } from '../shared/issuer-key-store';
import { OAuthError } from '../../common/errors';
import type { MaskinportenTokenDto } from './maskinporten-token.dto';
import { TestIdpClient } from '../shared/test-idp.entities';
import { TestIdpRepository } from '../shared/test-idp.repository';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 120;
const ACCESS_TOKEN_LIFETIME_S = 120;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Whom the token acts for: the client's own organisation, a system user, or a consumer (supplier delegation). */
interface Acting {
  consumerOrgno: string;
  supplierOrgno?: string;
  authorizationDetails?: AuthorizationDetail[];
}

/**
 * Maskinporten's JWT-bearer grant (RFC 7523): a client proves itself with an assertion signed by
 * one of its registered keys and gets an access token shaped like the seed's Maskinporten token.
 */
@Injectable()
export class MaskinportenGrant {
  constructor(
    private readonly records: TestIdpRepository,
    private readonly keys: IssuerKeyStore,
    private readonly clock: Clock,
    @Inject(testIdpConfig.KEY) private readonly config: ConfigType<typeof testIdpConfig>,
    /** CLOCK_SKEW_SECONDS: the skew the service forgives upstream tokens, forgiven to assertions too. */
    @Inject(tokenConfig.KEY) private readonly token: ConfigType<typeof tokenConfig>,
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
    const acting = await this.actingFor(client, claims, scope);
    await this.consume(client, claims);
    const resource = typeof claims.resource === 'string' ? claims.resource : 'unspecified';
    return this.issue({
      clientId: client.clientId,
      orgno: acting.consumerOrgno,
      scope,
      audience: resource,
      supplierOrgno: acting.supplierOrgno,
      authorizationDetails: acting.authorizationDetails,
    });
  }

  /**
   * The shortcut for scripts and tests: a token for any organisation and scope at once, with the
   * caller's claims and lifetime. No client, no grant, no provisioning.
   */
  shortcut(dto: MaskinportenTokenDto): Promise<TokenResponse> {
    const scope = dto.scope;
    return this.issue(
      { clientId: shortcutClientId(dto.orgno), orgno: dto.orgno, scope, audience: 'unspecified' },
      dto.claims,
      dto.expires_in,
    );
  }

  private async client(assertion: string): Promise<TestIdpClient> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(assertion);
    } catch {
      throw new OAuthError('invalid_grant', 'the assertion is not a JWT');
    }
    const clientId = unverified.iss;
    const client = typeof clientId === 'string' && /^[0-9a-f-]{36}$/i.test(clientId) ? await this.records.client(clientId) : null;
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
        clockTolerance: this.token.clockSkewSeconds,
        currentDate: new Date(this.clock.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new OAuthError('invalid_grant', 'the assertion has expired');
      if (error instanceof errors.JWTClaimValidationFailed)
        throw new OAuthError('invalid_grant', `the assertion ${error.claim} claim is invalid`);
      throw new OAuthError('invalid_grant', 'the assertion signature does not verify with the client keys');
    }
    if ((payload.exp as number) > now + MAX_ASSERTION_LIFETIME_S + this.token.clockSkewSeconds) {
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

  /**
   * The assertion may ask for a system user (RFC 9396 `authorization_details`) or, from a supplier,
   * for a consumer organisation (`consumer_org`); not both. Each scope must be granted to the
   * organisation the token is for, and delegated to the supplier.
   */
  private async actingFor(client: TestIdpClient, claims: JWTPayload, scope: string): Promise<Acting> {
    if (claims.authorization_details !== undefined && claims.consumer_org !== undefined) {
      throw new OAuthError('invalid_request', 'ask for either authorization_details or consumer_org, not both');
    }
    if (claims.consumer_org !== undefined) {
      const consumer = claims.consumer_org;
      if (typeof consumer !== 'string' || !isValidOrgNumber(consumer))
        throw new OAuthError('invalid_request', 'consumer_org must be a valid organisation number');
      for (const name of scope.split(' ')) {
        const delegated = await this.records.isDelegated(name, consumer, client.clientOrgno);
        if (!delegated) throw new OAuthError('invalid_grant', `${consumer} has not delegated ${name} to ${client.clientOrgno}`);
      }
      await this.checkGranted(consumer, scope);
      return { consumerOrgno: consumer, supplierOrgno: client.clientOrgno };
    }
    await this.checkGranted(client.clientOrgno, scope);
    if (claims.authorization_details === undefined) return { consumerOrgno: client.clientOrgno };
    return { consumerOrgno: client.clientOrgno, authorizationDetails: [await this.systemUser(client, claims.authorization_details)] };
  }

  /** `[{"type": "urn:altinn:systemuser", "systemuser_org": {…}}]` → the entry with the system user of one of the client's systems. */
  private async systemUser(client: TestIdpClient, requested: unknown): Promise<AuthorizationDetail> {
    const entry = Array.isArray(requested) && requested.length === 1 ? (requested[0] as Record<string, unknown>) : undefined;
    if (typeof entry !== 'object' || entry === null || entry.type !== SYSTEM_USER_TYPE) {
      throw new OAuthError('invalid_authorization_details', `authorization_details must be one entry of type ${SYSTEM_USER_TYPE}`);
    }
    const org = entry.systemuser_org as Record<string, unknown> | undefined;
    const customer =
      typeof org === 'object' && org !== null && org.authority === ISO6523_AUTHORITY ? orgNumberOfIso6523Id(org.ID) : undefined;
    if (!customer)
      throw new OAuthError(
        'invalid_authorization_details',
        `systemuser_org must be {"authority": "${ISO6523_AUTHORITY}", "ID": "0192:<orgno>"}`,
      );
    const user = await this.records.systemUserFor(client.clientId, customer);
    if (!user) throw new OAuthError('invalid_authorization_details', `no system user for ${customer} on a system of this client`);
    return { type: SYSTEM_USER_TYPE, systemuser_id: [user.id], systemuser_org: iso6523(customer), system_id: user.systemId };
  }

  private async checkGranted(orgno: string, scope: string): Promise<void> {
    for (const name of scope.split(' ')) {
      const granted = await this.records.isGranted(name, orgno);
      if (!granted) throw new OAuthError('invalid_scope', `${name} is not granted to ${orgno}`);
    }
  }

  /** Records the assertion's jti until it expires; a second use is a replay. */
  private async consume(client: TestIdpClient, claims: JWTPayload): Promise<void> {
    const first = await this.records.useAssertion(
      `${client.clientId}:${claims.jti as string}`,
      new Date((claims.exp as number) * 1000),
      new Date(this.clock.now() - this.token.clockSkewSeconds * 1000),
    );
    if (!first) throw new OAuthError('invalid_grant', 'the assertion jti was already used');
  }

  private async issue(
    subject: {
      clientId: string;
      orgno: string;
      scope: string;
      audience: string;
      supplierOrgno?: string;
      authorizationDetails?: AuthorizationDetail[];
    },
    overrides?: Record<string, unknown>,
    lifetime = ACCESS_TOKEN_LIFETIME_S,
  ): Promise<TokenResponse> {
    const key = await this.keys.key('maskinporten');
    const now = this.clock.nowSeconds();
    const claims = withOverrides(
      {
        aud: subject.audience,
        scope: subject.scope,
        iss: this.issuer,
        client_amr: 'private_key_jwt',
        token_type: 'Bearer',
        exp: now + lifetime,
        iat: now,
        client_id: subject.clientId,
        client_orgno: subject.orgno,
        jti: randomBytes(32).toString('base64url'),
        consumer: iso6523(subject.orgno),
        ...(subject.supplierOrgno === undefined ? {} : { supplier: iso6523(subject.supplierOrgno) }),
        ...(subject.authorizationDetails === undefined ? {} : { authorization_details: subject.authorizationDetails }),
      },
      overrides,
    );
    const token = await new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: typeof claims.scope === 'string' ? claims.scope : subject.scope,
    };
  }
}

/** The shortcut's client_id: a UUID fixed per organisation, so repeated tokens look like one client's. */
export function shortcutClientId(orgno: string): string {
  const hex = createHash('sha256').update(`test-idp-shortcut:${orgno}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
