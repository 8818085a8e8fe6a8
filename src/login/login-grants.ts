import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { ExchangeEvents } from '../common/exchange-events';
import { AUTHORIZATION_CODE_GRANT_TYPE, CODE_VERIFIER, REFRESH_TOKEN_GRANT_TYPE, singleParam } from '../common/oauth';
import { OAuthError } from '../common/errors';
import { loginConfig } from '../config';
import type { TokenGrant } from '../exchange/shared/token-grants';
import { AuthorizationCodeRepository } from './authorization-code.repository';
import { ClientAuthentication } from './client-authentication';
import { LOGIN_EVENTS } from './login-events';
import { LoginSession, LoginSessionRepository } from './login-session.repository';
import type { OidcClient } from './oidc-client.repository';
import { RefreshTokenRepository } from './refresh-token.repository';
import { newSecret, s256, sha256Hex } from './secrets';
import { SessionTokens } from './session-tokens';

const OPAQUE = /^[A-Za-z0-9_-]{43}$/;

/** What a grant learnt before it was refused, for the audit row. */
interface Known {
  clientId?: string;
  sessionId?: string;
}

/**
 * One field of the token request's form (common/oauth.ts reads it): an empty one counts as absent
 * (RFC 6749 §3.1), a repeated one (RFC 6749 §3.1 allows each once) is an invalid_request.
 */
const field = (form: Record<string, unknown>, name: string): string | undefined => {
  try {
    return singleParam(form, name);
  } catch {
    throw new OAuthError('invalid_request', `${name} must be given once`);
  }
};

/**
 * POST /token's `authorization_code` and `refresh_token` grants. Codes and refresh tokens are taken
 * by one conditional UPDATE each, so two concurrent redemptions never both succeed. A replayed code
 * revokes the refresh tokens issued from it; a reused refresh token revokes its whole family.
 */
@Injectable()
export class LoginGrants {
  constructor(
    private readonly clients: ClientAuthentication,
    private readonly codes: AuthorizationCodeRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly sessions: LoginSessionRepository,
    private readonly tokens: SessionTokens,
    private readonly events: ExchangeEvents,
    private readonly clock: Clock,
    @Inject(loginConfig.KEY) private readonly config: ConfigType<typeof loginConfig>,
  ) {}

  /** What the composition root hands POST /token (src/token-grants.module.ts). */
  readonly grants: readonly TokenGrant[] = [
    {
      grantType: AUTHORIZATION_CODE_GRANT_TYPE,
      redeem: (form, authorization) => this.announced(LOGIN_EVENTS.code, (known) => this.redeemCode(form, authorization, known)),
    },
    {
      grantType: REFRESH_TOKEN_GRANT_TYPE,
      redeem: (form, authorization) => this.announced(LOGIN_EVENTS.refresh, (known) => this.refresh(form, authorization, known)),
    },
  ];

  /** Runs a grant and announces its outcome once, with the client and session it concerned. */
  private async announced(
    provider: string,
    grant: (
      known: Known,
    ) => Promise<{ answer: Record<string, unknown>; subject: { clientId: string; sessionId: string; userId: number; issuedJti: string } }>,
  ): Promise<Record<string, unknown>> {
    const known: Known = {};
    try {
      const { answer, subject } = await grant(known);
      await this.events.issued(provider, subject);
      return answer;
    } catch (error) {
      this.events.notIssued(provider, error, known);
      throw error;
    }
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  private async redeemCode(form: Record<string, unknown>, authorization: string | undefined, known: Known) {
    const client = await this.clients.authenticate(form, authorization);
    known.clientId = client.clientId;
    const code = field(form, 'code');
    if (code === undefined) throw new OAuthError('invalid_request', 'code is required');
    const redirectUri = field(form, 'redirect_uri');
    const verifier = field(form, 'code_verifier');
    if (!OPAQUE.test(code)) throw new OAuthError('invalid_grant', 'the code is unknown, used or expired');
    const codeSha256 = sha256Hex(code);
    const now = this.now();
    const redemption = await this.codes.redeem(codeSha256, now);
    if (redemption.outcome === 'replayed') {
      known.sessionId = redemption.code.sessionId;
      // RFC 6749 §4.1.2: a code used twice may be stolen; what it gave is taken back.
      await this.refreshTokens.revokeIssuedFromCode(codeSha256, now);
      throw new OAuthError('invalid_grant', 'the code was used before; the tokens issued from it are revoked');
    }
    if (redemption.outcome === 'unknown') throw new OAuthError('invalid_grant', 'the code is unknown, used or expired');
    const issued = redemption.code;
    known.sessionId = issued.sessionId;
    if (issued.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'the code was issued to another client');
    if (redirectUri !== issued.redirectUri)
      throw new OAuthError('invalid_grant', 'redirect_uri must be the one of the authorization request');
    if (verifier === undefined || !CODE_VERIFIER.test(verifier))
      throw new OAuthError('invalid_grant', 'code_verifier must be 43 to 128 unreserved characters');
    if (s256(verifier) !== issued.codeChallenge) throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
    const session = await this.liveSession(issued.sessionId, now);
    const familyId = randomUUID();
    const expiresAt = this.familyExpiry(session, now);
    return this.issue(client, session, issued.scope, issued.nonce, { familyId, codeSha256, expiresAt });
  }

  private async refresh(form: Record<string, unknown>, authorization: string | undefined, known: Known) {
    const client = await this.clients.authenticate(form, authorization);
    known.clientId = client.clientId;
    const token = field(form, 'refresh_token');
    if (token === undefined) throw new OAuthError('invalid_request', 'refresh_token is required');
    if (!OPAQUE.test(token)) throw new OAuthError('invalid_grant', 'the refresh token is unknown, revoked or expired');
    const now = this.now();
    const use = await this.refreshTokens.use(sha256Hex(token), now);
    if (use.outcome === 'reused') {
      known.sessionId = use.token.sessionId;
      // Rotation: a used token coming back means two holders; neither gets more.
      await this.refreshTokens.revokeFamily(use.token.familyId, now);
      throw new OAuthError('invalid_grant', 'the refresh token was used before; its family is revoked');
    }
    if (use.outcome === 'unknown') throw new OAuthError('invalid_grant', 'the refresh token is unknown, revoked or expired');
    const record = use.token;
    known.sessionId = record.sessionId;
    if (record.clientId !== client.clientId) {
      await this.refreshTokens.revokeFamily(record.familyId, now);
      throw new OAuthError('invalid_grant', 'the refresh token was issued to another client');
    }
    const scope = field(form, 'scope');
    if (scope !== undefined && !scope.split(' ').every((s) => record.scope.split(' ').includes(s)))
      throw new OAuthError('invalid_scope', 'a refresh cannot widen the scope');
    const session = await this.liveSession(record.sessionId, now);
    return this.issue(client, session, record.scope, null, {
      familyId: record.familyId,
      codeSha256: record.codeSha256,
      expiresAt: record.expiresAt,
    });
  }

  /** A family never outlives the session, nor REFRESH_MAX_AGE_SECONDS from the login's code. */
  private familyExpiry(session: LoginSession, now: Date): Date {
    const byAge = now.getTime() + this.config.refreshMaxAgeSeconds * 1000;
    return new Date(Math.min(byAge, session.expiresAt.getTime()));
  }

  private async liveSession(sessionId: string, now: Date): Promise<LoginSession> {
    const session = await this.sessions.findLive(sessionId, now);
    if (!session) throw new OAuthError('invalid_grant', 'the login session has ended');
    return session;
  }

  private async issue(
    client: OidcClient,
    session: LoginSession,
    scope: string,
    nonce: string | null,
    family: { familyId: string; codeSha256: string; expiresAt: Date },
  ) {
    const access = await this.tokens.accessToken(session);
    const id = await this.tokens.idToken(session, client.clientId, access.token, nonce);
    const refreshToken = newSecret();
    await this.refreshTokens.insert({
      tokenSha256: sha256Hex(refreshToken),
      familyId: family.familyId,
      clientId: client.clientId,
      sessionId: session.id,
      codeSha256: family.codeSha256,
      scope,
      expiresAt: family.expiresAt,
    });
    return {
      answer: {
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresIn,
        id_token: id.token,
        refresh_token: refreshToken,
        scope,
      },
      subject: { clientId: client.clientId, sessionId: session.id, userId: session.userId, issuedJti: access.jti },
    };
  }
}
