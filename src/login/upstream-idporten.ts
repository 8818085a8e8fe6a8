import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { JWTPayload } from 'jose';
import { Clock } from '../common/clock';
import { ServiceUnavailableError } from '../common/errors';
import { upstreamCall } from '../common/tracing';
import { MAX_DOCUMENT_BYTES, parseJsonObject, readCapped } from '../common/upstream-fetch';
import { issuersConfig, loginConfig, tokenConfig } from '../config';
import { ROUTES, serviceBaseUrl } from '../common/routes';
import { authLevelOf } from '../common/acr';
import { TokenVerifier } from '../trusted-issuers/token-verifier';

/** Why an upstream login did not give us a person: shown on a page or sent to the client as access_denied. */
export class UpstreamLoginError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** What we send to ID-porten's authorization endpoint. */
export interface UpstreamAuthorization {
  state: string;
  nonce: string;
  codeChallenge: string;
  acr: string;
  prompt?: 'login';
  uiLocales?: string;
}

/** A verified ID-porten login. */
export interface UpstreamLogin {
  issuer: string;
  idToken: string;
  claims: JWTPayload;
}

/**
 * Our side of ID-porten as its confidential client: the authorization URL (our own PKCE, state and
 * nonce), the code redeemed at its token endpoint (client_secret_basic), its ID token verified
 * against the trusted JWKS (iss, aud = our client id, nonce, exp, acr at least as asked), and its
 * end-session URL. Endpoints come from the discovery document the trusted-issuer cache read.
 */
@Injectable()
export class UpstreamIdporten {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly clock: Clock,
    @Inject(loginConfig.KEY) private readonly config: ConfigType<typeof loginConfig>,
    @Inject(issuersConfig.KEY) private readonly issuers: ConfigType<typeof issuersConfig>,
    @Inject(tokenConfig.KEY) private readonly token: ConfigType<typeof tokenConfig>,
  ) {}

  private get client(): { clientId: string; clientSecret: string } {
    const client = this.config.upstreamClient;
    if (!client) throw new ServiceUnavailableError('login is not configured', 'login_not_configured', 60);
    return client;
  }

  /** Our redirect URI at ID-porten: on the public base URL, so any replica takes the callback. */
  get callbackUrl(): string {
    return `${serviceBaseUrl(this.token.issuer)}${ROUTES.upstreamCallback}`;
  }

  get logoutReturnUrl(): string {
    return `${serviceBaseUrl(this.token.issuer)}${ROUTES.upstreamLogoutReturn}`;
  }

  /** The issuer ID-porten tokens of a login must come from. */
  async issuer(): Promise<string> {
    return (await this.verifier.primaryIssuer('idporten')).issuer as string;
  }

  async authorizationUrl(request: UpstreamAuthorization): Promise<string> {
    const keys = await this.verifier.primaryIssuer('idporten');
    const endpoint = keys.metadata.authorizationEndpoint;
    if (!endpoint) throw new ServiceUnavailableError('ID-porten names no authorization endpoint', 'issuer_unavailable', 10);
    const url = new URL(endpoint);
    const params: Record<string, string | undefined> = {
      client_id: this.client.clientId,
      redirect_uri: this.callbackUrl,
      response_type: 'code',
      scope: 'openid profile',
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      acr_values: request.acr,
      prompt: request.prompt,
      ui_locales: request.uiLocales,
    };
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return url.href;
  }

  /** Redeems the code and verifies the ID token it brings. */
  async redeem(code: string, codeVerifier: string, expected: { nonce: string; acr: string }): Promise<UpstreamLogin> {
    const keys = await this.verifier.primaryIssuer('idporten');
    const endpoint = keys.metadata.tokenEndpoint;
    if (!endpoint) throw new ServiceUnavailableError('ID-porten names no token endpoint', 'issuer_unavailable', 10);
    const { clientId, clientSecret } = this.client;
    const form = (s: string) => encodeURIComponent(s);
    let body: Record<string, unknown>;
    let status: number;
    try {
      ({ status, body } = await upstreamCall('token', 'POST', endpoint, async (traceHeaders, span) => {
        const response = await fetch(endpoint, {
          method: 'POST',
          redirect: 'error',
          signal: AbortSignal.timeout(this.issuers.upstreamTimeoutMs),
          headers: {
            ...traceHeaders,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            authorization: `Basic ${Buffer.from(`${form(clientId)}:${form(clientSecret)}`).toString('base64')}`,
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: this.callbackUrl,
            code_verifier: codeVerifier,
          }).toString(),
        });
        span?.setAttribute('http.response.status_code', response.status);
        const answer = parseJsonObject(
          await readCapped(
            (response.body ?? (async function* () {})()) as AsyncIterable<Uint8Array>,
            MAX_DOCUMENT_BYTES,
            'ID-porten token response',
          ),
          'ID-porten token response',
        );
        return { status: response.status, body: answer };
      }));
    } catch (error) {
      throw new ServiceUnavailableError('ID-porten cannot be reached; retry shortly', 'issuer_unavailable', 10, error);
    }
    if (status !== 200)
      throw new UpstreamLoginError(
        'ID-porten refused the code',
        `upstream_${typeof body.error === 'string' ? body.error.slice(0, 40) : status}`,
      );
    const idToken = body.id_token;
    if (typeof idToken !== 'string') throw new UpstreamLoginError('ID-porten sent no ID token', 'upstream_no_id_token');
    return { ...(await this.verifyIdToken(idToken, expected)), idToken };
  }

  /** Signature against the trusted JWKS, iss, aud = our client id, exp; then nonce and level. */
  async verifyIdToken(idToken: string, expected: { nonce: string; acr: string }): Promise<{ issuer: string; claims: JWTPayload }> {
    const issuer = await this.issuer();
    let claims: JWTPayload;
    try {
      const verified = await this.verifier.verify(idToken, 'idporten', { audience: this.client.clientId });
      if (verified.issuer !== issuer) throw new UpstreamLoginError('the ID token is not from ID-porten', 'upstream_wrong_issuer');
      claims = verified.payload;
    } catch (error) {
      if (error instanceof UpstreamLoginError || error instanceof ServiceUnavailableError) throw error;
      throw new UpstreamLoginError('the ID token from ID-porten did not verify', 'upstream_invalid_id_token');
    }
    if (claims.nonce !== expected.nonce)
      throw new UpstreamLoginError('the ID token is not for this login (nonce)', 'upstream_nonce_mismatch');
    const level = authLevelOf(claims.acr);
    if (level === undefined) throw new UpstreamLoginError('the ID token names no known level', 'upstream_invalid_acr');
    if (level < (authLevelOf(expected.acr) ?? Infinity))
      throw new UpstreamLoginError('the login is below the level asked for', 'upstream_acr_too_low');
    if (typeof claims.exp !== 'number' || claims.exp < this.clock.nowSeconds() - this.issuers.clockSkewSeconds)
      throw new UpstreamLoginError('the ID token has expired', 'upstream_expired');
    return { issuer, claims };
  }

  /** ID-porten's end-session URL for a session it started, back to `returnTo`; undefined when it has none. */
  async endSessionUrl(idTokenHint: string, state: string): Promise<string | undefined> {
    const endpoint = (await this.verifier.primaryIssuer('idporten')).metadata.endSessionEndpoint;
    if (!endpoint) return undefined;
    const url = new URL(endpoint);
    url.searchParams.set('id_token_hint', idTokenHint);
    url.searchParams.set('post_logout_redirect_uri', this.logoutReturnUrl);
    url.searchParams.set('state', state);
    return url.href;
  }
}
