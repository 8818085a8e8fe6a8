import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createLocalJWKSet, decodeJwt, jwtVerify, SignJWT } from 'jose';
import { parseBearerHeader } from '../../common/bearer-token';
import { Clock } from '../../common/clock';
import { AuthorizationRedirectError, authorizationResponseUrl, checkAuthorizationRequest } from '../../common/authorization-request';
import { checkEndSessionRequest } from '../../common/end-session-request';
import { InvalidTokenError, OAuthError } from '../../common/errors';
import { atHash } from '../../common/id-token';
import { CODE_VERIFIER } from '../../common/oauth';
import { tokenConfig } from '../../config';
import { IdportenLogin } from '../idporten/idporten-login';
import { IdportenTokenDto } from '../idporten/idporten-token.dto';
import { LEVELS } from '../idporten/login-page';
import { IssuerKeyStore } from '../shared/issuer-key-store';
import { OidcClientRepository } from './oidc-client.repository';
import type { RegisterOidcClientDto } from './oidc-client.dto';
import type { TestIdpOidcClient } from '../shared/test-idp.entities';

const CODE_LIFETIME_S = 60;
const ID_TOKEN_LIFETIME_S = 600;
const MAX_PENDING_CODES = 10_000;

/** A client that failed to authenticate at the token endpoint (RFC 6749 §5.2: 401 with a challenge). */
const unauthenticatedClient = (description: string) =>
  new OAuthError('invalid_client', description, 401, { 'WWW-Authenticate': 'Basic realm="test-idp"' });

export interface AuthorizationRequest {
  client: TestIdpOidcClient;
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  /** The first known level of `acr_values`, preselected on the form. */
  acr?: string;
}

/** What a person chose on the login form. */
export interface LoginChoice {
  pid: string;
  acr: string;
  amr: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce?: string;
  person: LoginChoice;
  authTime: number;
  expiresAt: number;
}

export interface OidcClientView {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: TestIdpOidcClient['tokenEndpointAuthMethod'];
  /** Only in the registration answer; stored as a hash. */
  client_secret?: string;
}

export interface CodeFlowTokens {
  access_token: string;
  id_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

const view = (c: TestIdpOidcClient): OidcClientView => ({
  client_id: c.clientId,
  client_name: c.clientName,
  redirect_uris: c.redirectUris,
  token_endpoint_auth_method: c.tokenEndpointAuthMethod,
});

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * Test ID-porten's authorization code flow: PKCE (S256) required, the redirect_uri one the client
 * registered, state and nonce returned, an id_token and an access token, /userinfo. Codes live in
 * this process for 60 s and work once (the test IdP is a single development process).
 */
@Injectable()
export class CodeFlow {
  private readonly codes = new Map<string, PendingCode>();

  constructor(
    private readonly clients: OidcClientRepository,
    private readonly login: IdportenLogin,
    private readonly keys: IssuerKeyStore,
    private readonly clock: Clock,
    @Inject(tokenConfig.KEY) private readonly tokenSettings: ConfigType<typeof tokenConfig>,
  ) {}

  get issuer(): string {
    return this.login.issuer;
  }

  async register(dto: RegisterOidcClientDto): Promise<OidcClientView> {
    const method = dto.token_endpoint_auth_method ?? 'client_secret_basic';
    const secret = method === 'none' ? undefined : randomBytes(32).toString('base64url');
    const client = await this.clients.insert({
      clientId: randomUUID(),
      clientName: dto.client_name,
      redirectUris: dto.redirect_uris,
      tokenEndpointAuthMethod: method,
      clientSecretSha256: secret === undefined ? null : sha256(secret).toString('hex'),
    });
    return secret === undefined ? view(client) : { ...view(client), client_secret: secret };
  }

  async listClients(): Promise<OidcClientView[]> {
    return (await this.clients.list()).map(view);
  }

  /**
   * Checks an authorization request (the query of GET /authorize, or the form's hidden fields) by the
   * rules our OpenID Provider applies too (common/authorization-request.ts). Like ID-porten's stand-in
   * it ignores prompt, max_age and ui_locales, and preselects the first level of acr_values it knows.
   */
  async authorizationRequest(params: Record<string, unknown>): Promise<AuthorizationRequest> {
    const checked = await checkAuthorizationRequest(params, {
      findClient: (clientId) => this.clients.findById(clientId),
      unknownClient: 'The client_id is not a registered client. Register one with POST /test-idp/idporten/clients.',
      acrValues: LEVELS,
      prompt: false,
      maxAge: false,
      uiLocales: false,
    });
    return {
      client: checked.client,
      redirectUri: checked.redirectUri,
      scope: checked.scope,
      state: checked.state,
      nonce: checked.nonce,
      codeChallenge: checked.codeChallenge,
      acr: checked.acrValues[0],
    };
  }

  /** The request, carried through the login form as hidden fields. */
  hiddenFields(request: AuthorizationRequest): Record<string, string> {
    const fields: Record<string, string> = {
      client_id: request.client.clientId,
      redirect_uri: request.redirectUri,
      response_type: 'code',
      scope: request.scope,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    };
    if (request.state !== undefined) fields.state = request.state;
    if (request.nonce !== undefined) fields.nonce = request.nonce;
    if (request.acr !== undefined) fields.acr_values = request.acr;
    return fields;
  }

  /** The person logged in: a code for the client, as the URL to send the browser to. */
  authorize(request: AuthorizationRequest, person: LoginChoice): string {
    const now = this.clock.nowSeconds();
    this.sweep(now);
    if (this.codes.size >= MAX_PENDING_CODES) {
      throw new AuthorizationRedirectError(request.redirectUri, 'temporarily_unavailable', 'too many codes are pending', request.state);
    }
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      nonce: request.nonce,
      person,
      authTime: now,
      expiresAt: now + CODE_LIFETIME_S,
    });
    return authorizationResponseUrl(request.redirectUri, { code, state: request.state }, this.issuer);
  }

  /** The token endpoint's authorization_code grant. */
  async token(body: Record<string, unknown>, authorization: string | string[] | undefined): Promise<CodeFlowTokens> {
    const client = await this.authenticate(body, authorization);
    const code = body.code;
    if (typeof code !== 'string' || code.length === 0 || code.length > 256)
      throw new OAuthError('invalid_request', 'the code parameter is required');
    const pending = this.codes.get(code);
    // A code works once: taken out before anything else is checked.
    this.codes.delete(code);
    const now = this.clock.nowSeconds();
    if (!pending || pending.expiresAt < now) throw new OAuthError('invalid_grant', 'the code is unknown, used or expired');
    if (pending.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'the code was issued to another client');
    if (body.redirect_uri !== pending.redirectUri)
      throw new OAuthError('invalid_grant', 'redirect_uri must be the one of the authorization request');
    const verifier = body.code_verifier;
    if (typeof verifier !== 'string' || !CODE_VERIFIER.test(verifier))
      throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 unreserved characters');
    if (sha256(verifier).toString('base64url') !== pending.codeChallenge)
      throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');

    const { person } = pending;
    const dto = Object.assign(new IdportenTokenDto(), {
      pid: person.pid,
      acr: person.acr,
      amr: [person.amr],
      scope: pending.scope,
      aud: client.clientId,
      claims: { client_id: client.clientId },
    });
    const access = await this.login.token(dto);
    const accessClaims = decodeJwt(access.access_token);
    const key = await this.keys.key('idporten');
    const idClaims: Record<string, unknown> = {
      iss: this.issuer,
      sub: accessClaims.sub,
      aud: client.clientId,
      exp: now + ID_TOKEN_LIFETIME_S,
      iat: now,
      auth_time: pending.authTime,
      acr: person.acr,
      amr: [person.amr],
      pid: person.pid,
      locale: accessClaims.locale,
      sid: accessClaims.sid,
      at_hash: atHash(access.access_token),
      jti: randomBytes(32).toString('base64url'),
    };
    if (pending.nonce !== undefined) idClaims.nonce = pending.nonce;
    const idToken = await new SignJWT(idClaims).setProtectedHeader({ kid: key.kid, alg: 'RS256', typ: 'JWT' }).sign(key.privateKey);
    return {
      access_token: access.access_token,
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: access.expires_in,
      scope: pending.scope,
    };
  }

  /**
   * The end-session endpoint (common/end-session-request.ts has the rules): `id_token_hint` (one of
   * our ID tokens, expired or not) names the client and the session; `post_logout_redirect_uri` must
   * be one of the client's redirect URIs (clients here register no others). Returns where the browser
   * goes next, with `state`, and the session's `sid` for front-channel logout.
   */
  async endSession(params: Record<string, unknown>): Promise<{ redirect?: string; clientId?: string; sid?: string }> {
    const { redirect, clientId, sid } = await checkEndSessionRequest(params, {
      verifyIdTokenHint: async (hint) => {
        const key = await this.keys.key('idporten');
        try {
          const { payload } = await jwtVerify(hint, createLocalJWKSet(key.jwks), {
            issuer: this.issuer,
            algorithms: ['RS256'],
            // An ID token that has expired still names its session.
            currentDate: new Date(0),
          });
          return payload;
        } catch {
          return undefined;
        }
      },
      findClient: (clientId) => this.clients.findById(clientId),
      postLogoutRedirectUris: (client) => client.redirectUris,
      clientIdParameter: false,
    });
    return { redirect, clientId, sid };
  }

  /** GET/POST /userinfo: the person behind one of our access tokens. */
  async userinfo(authorization: string | undefined): Promise<Record<string, unknown>> {
    const token = parseBearerHeader(authorization);
    const key = await this.keys.key('idporten');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(key.jwks), {
        issuer: this.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: this.tokenSettings.clockSkewSeconds,
        currentDate: new Date(this.clock.now()),
      }));
    } catch {
      throw new InvalidTokenError('the access token is not one of this issuer, or has expired', 'invalid_token');
    }
    const info: Record<string, unknown> = { sub: claims.sub, pid: claims.pid };
    if (claims.locale !== undefined) info.locale = claims.locale;
    return info;
  }

  private async authenticate(body: Record<string, unknown>, authorization: string | string[] | undefined): Promise<TestIdpOidcClient> {
    let clientId: unknown = body.client_id;
    let secret: unknown = body.client_secret;
    let method: TestIdpOidcClient['tokenEndpointAuthMethod'] = secret === undefined ? 'none' : 'client_secret_post';
    if (typeof authorization === 'string' && /^basic /i.test(authorization)) {
      if (secret !== undefined) throw new OAuthError('invalid_request', 'use one client authentication method');
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw unauthenticatedClient('the Basic credentials are malformed');
      const form = (s: string) => decodeURIComponent(s.replace(/\+/g, '%20'));
      try {
        [clientId, secret] = [form(decoded.slice(0, colon)), form(decoded.slice(colon + 1))];
      } catch {
        throw unauthenticatedClient('the Basic credentials are malformed');
      }
      if (body.client_id !== undefined && body.client_id !== clientId)
        throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials');
      method = 'client_secret_basic';
    }
    const client = await this.clients.findById(clientId);
    if (!client) throw unauthenticatedClient('the client is not registered');
    if (client.tokenEndpointAuthMethod !== method)
      throw unauthenticatedClient(`the client authenticates with ${client.tokenEndpointAuthMethod}`);
    if (method !== 'none') {
      const given = sha256(typeof secret === 'string' ? secret : '');
      const expected = Buffer.from(client.clientSecretSha256 ?? '', 'hex');
      if (expected.length !== given.length || !timingSafeEqual(given, expected)) throw unauthenticatedClient('the client secret is wrong');
    }
    return client;
  }

  private sweep(now: number): void {
    for (const [code, pending] of this.codes) {
      if (pending.expiresAt < now) this.codes.delete(code);
    }
  }
}
