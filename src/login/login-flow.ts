import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { ExchangeEvents } from '../common/exchange-events';
import { loginConfig } from '../config';
import { authLevelOf } from '../common/acr';
import { ProfileService } from '../profiles/profile.service';
import { AuthorizationCodeRepository } from './authorization-code.repository';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  authorizationResponseUrl,
  errorResponseUrl,
} from '../common/authorization-request';
import { AuthorizationRequest, DEFAULT_ACR, readAuthorizationRequest } from './authorization-request';
import { clearCookie, CookieOptions, LOGOUT_COOKIE, readCookie, SESSION_COOKIE, setCookie, TRANSACTION_COOKIE } from './cookies';
import { LOGIN_EVENTS } from './login-events';
import { LoginSession, LoginSessionRepository } from './login-session.repository';
import { LoginTransactionRepository, ResumableRequest } from './login-transaction.repository';
import { OidcClientRepository } from './oidc-client.repository';
import { redirect, sendErrorPage } from './pages';
import { PersonSubjectRepository } from './person-subject.repository';
import { allowedGoto } from './redirect-policy';
import { RefreshTokenRepository } from './refresh-token.repository';
import { newSecret, s256, sha256Hex } from './secrets';
import { SessionTokens } from './session-tokens';
import { UpstreamIdporten, UpstreamLoginError } from './upstream-idporten';
import { isPid } from '../common/identifiers';

const CODE_LIFETIME_S = 60;
const TRANSACTION_LIFETIME_S = 600;

/**
 * The browser side of the OpenID Provider: /authorize (a session that satisfies the request gets a
 * code at once, else ID-porten), the upstream callback, the platform cookie, and logout. Everything
 * a replica needs lives in the database; the browser holds random values whose hashes we keep.
 */
@Injectable()
export class LoginFlow {
  private readonly logger = new Logger(LoginFlow.name);

  constructor(
    private readonly clients: OidcClientRepository,
    private readonly transactions: LoginTransactionRepository,
    private readonly sessions: LoginSessionRepository,
    private readonly codes: AuthorizationCodeRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly subjects: PersonSubjectRepository,
    private readonly profiles: ProfileService,
    private readonly upstream: UpstreamIdporten,
    private readonly tokens: SessionTokens,
    private readonly events: ExchangeEvents,
    private readonly clock: Clock,
    @Inject(loginConfig.KEY) private readonly config: ConfigType<typeof loginConfig>,
  ) {}

  private get cookieOptions(): CookieOptions {
    return { secure: this.config.secureCookies, domain: this.config.cookieDomain };
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  /** The browser's live session (its idle expiry moved on), or undefined. */
  async currentSession(request: Request): Promise<LoginSession | undefined> {
    const cookie = readCookie(request, SESSION_COOKIE);
    if (!cookie) return undefined;
    const now = this.now();
    return this.sessions.touchByCookie(sha256Hex(cookie), now, new Date(now.getTime() + this.config.sessionIdleSeconds * 1000));
  }

  // ---- GET /authorize ---------------------------------------------------------------------------

  async authorize(query: Record<string, unknown>, request: Request, response: Response): Promise<void> {
    let authorization: AuthorizationRequest;
    try {
      authorization = await readAuthorizationRequest(query, (clientId) => this.clients.findById(clientId));
    } catch (error) {
      return this.refuseAuthorization(error, response);
    }
    try {
      const session = await this.currentSession(request);
      if (session && this.satisfies(session, authorization)) return redirect(response, await this.issueCode(session, authorization));
      if (authorization.prompt === 'none')
        throw new AuthorizationRedirectError(
          authorization.redirectUri,
          'login_required',
          'no session satisfies the request',
          authorization.state,
        );
      await this.startUpstream(response, { kind: 'authorize', authorization }, authorization.acr, {
        prompt: authorization.prompt === 'login' || session !== undefined ? 'login' : undefined,
        uiLocales: authorization.uiLocales,
      });
    } catch (error) {
      if (error instanceof AuthorizationRedirectError) return this.refuseAuthorization(error, response);
      if (error instanceof DomainError && error.status === 503)
        return this.refuseAuthorization(
          new AuthorizationRedirectError(authorization.redirectUri, 'temporarily_unavailable', error.detail, authorization.state),
          response,
        );
      throw error;
    }
  }

  /** prompt=login, an exceeded max_age or a higher level than the session's: a new upstream login. */
  private satisfies(session: LoginSession, request: AuthorizationRequest): boolean {
    if (request.prompt === 'login') return false;
    if (request.maxAge !== undefined && this.clock.nowSeconds() - session.authTime > request.maxAge) return false;
    return (authLevelOf(session.acr) ?? -1) >= (authLevelOf(request.acr) ?? Infinity);
  }

  private refuseAuthorization(error: unknown, response: Response): void {
    if (error instanceof AuthorizationPageError) return sendErrorPage(response, 400, error.message);
    if (error instanceof AuthorizationRedirectError) return redirect(response, errorResponseUrl(error, this.tokens.issuer));
    throw error;
  }

  private async issueCode(session: LoginSession, request: AuthorizationRequest): Promise<string> {
    const code = newSecret();
    await this.codes.insert({
      codeSha256: sha256Hex(code),
      clientId: request.clientId,
      sessionId: session.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce ?? null,
      scope: request.scope,
      expiresAt: new Date(this.clock.now() + CODE_LIFETIME_S * 1000),
    });
    return authorizationResponseUrl(request.redirectUri, { code, state: request.state }, this.tokens.issuer);
  }

  /** A login transaction in the database, bound to this browser by a cookie; the browser goes to ID-porten. */
  private async startUpstream(
    response: Response,
    resume: ResumableRequest,
    acr: string,
    options: { prompt?: 'login'; uiLocales?: string },
  ): Promise<void> {
    const state = newSecret();
    const nonce = newSecret();
    const codeVerifier = newSecret();
    const browser = newSecret();
    const url = await this.upstream.authorizationUrl({ state, nonce, codeChallenge: s256(codeVerifier), acr, ...options });
    await this.transactions.insert({
      stateSha256: sha256Hex(state),
      nonce,
      codeVerifier,
      request: resume,
      browserSha256: sha256Hex(browser),
      acr,
      expiresAt: new Date(this.clock.now() + TRANSACTION_LIFETIME_S * 1000),
    });
    setCookie(response, TRANSACTION_COOKIE, browser, { ...this.cookieOptions, maxAgeSeconds: TRANSACTION_LIFETIME_S });
    redirect(response, url);
  }

  // ---- GET /upstream/callback ------------------------------------------------------------------

  async callback(query: Record<string, unknown>, request: Request, response: Response): Promise<void> {
    const state = typeof query.state === 'string' ? query.state : undefined;
    if (!state || state.length > 256) return sendErrorPage(response, 400, 'The answer from ID-porten carries no state.');
    const now = this.now();
    const transaction = await this.transactions.consume(sha256Hex(state), now);
    clearCookie(response, TRANSACTION_COOKIE, this.cookieOptions);
    if (!transaction) return sendErrorPage(response, 400, 'This login is unknown, was finished already, or took too long. Start again.');
    const browser = readCookie(request, TRANSACTION_COOKIE);
    if (!browser || sha256Hex(browser) !== transaction.browserSha256)
      return sendErrorPage(response, 400, 'This login was started in another browser. Start again.');
    const resume = transaction.request;
    const fail = (reason: string, message: string) => {
      this.events.publish({ provider: LOGIN_EVENTS.login, outcome: 'refused', reason });
      if (resume.kind === 'authorize') {
        const { redirectUri, state: clientState } = resume.authorization;
        return redirect(
          response,
          errorResponseUrl(new AuthorizationRedirectError(redirectUri, 'access_denied', message, clientState), this.tokens.issuer),
        );
      }
      return sendErrorPage(response, 403, message);
    };
    // RFC 9207 at ID-porten too: an answer naming another issuer is a mix-up.
    const upstreamIssuer = await this.upstream.issuer();
    if (query.iss !== undefined && query.iss !== upstreamIssuer) return fail('upstream_wrong_issuer', 'the answer is not from ID-porten');
    if (typeof query.error === 'string') return fail('upstream_error', 'the login at ID-porten did not complete');
    if (typeof query.code !== 'string' || query.code.length === 0 || query.code.length > 1024)
      return fail('upstream_no_code', 'ID-porten sent no code');

    let session: LoginSession;
    let cookie: string;
    try {
      const login = await this.upstream.redeem(query.code, transaction.codeVerifier, { nonce: transaction.nonce, acr: transaction.acr });
      const pid = login.claims.pid;
      if (!isPid(pid)) throw new UpstreamLoginError('the ID token names no person', 'invalid_pid');
      // The person exactly as the ID-porten exchange finds them: provisioned only where it would be.
      const profile = await this.profiles.profileFor(pid);
      if (!profile) throw new UpstreamLoginError('the person is not known to the platform', 'unknown_person');
      cookie = newSecret();
      const nowMs = this.clock.now();
      const amr = Array.isArray(login.claims.amr) ? login.claims.amr.filter((m): m is string => typeof m === 'string').slice(0, 8) : [];
      session = {
        id: randomUUID(),
        subject: await this.subjects.subjectOf(profile.userId),
        userId: profile.userId,
        partyId: profile.partyId,
        pid,
        acr: login.claims.acr as string,
        amr: amr.length > 0 ? amr : ['NotDefined'],
        locale: typeof login.claims.locale === 'string' ? login.claims.locale.slice(0, 16) : null,
        authTime: typeof login.claims.auth_time === 'number' ? Math.floor(login.claims.auth_time) : this.clock.nowSeconds(),
        upstreamIss: login.issuer,
        upstreamSid: typeof login.claims.sid === 'string' ? login.claims.sid.slice(0, 512) : null,
        upstreamIdToken: login.idToken,
        idleExpiresAt: new Date(nowMs + this.config.sessionIdleSeconds * 1000),
        expiresAt: new Date(nowMs + this.config.sessionMaxSeconds * 1000),
      };
      await this.sessions.insert({ ...session, cookieSha256: sha256Hex(cookie) });
    } catch (error) {
      if (error instanceof UpstreamLoginError) return fail(error.reason, error.message);
      throw error;
    }
    await this.events.issued(LOGIN_EVENTS.login, { userId: session.userId, sessionId: session.id, issuedJti: session.id });
    // Any earlier session of this browser is replaced.
    const previous = readCookie(request, SESSION_COOKIE);
    if (previous) await this.sessions.endByCookie(sha256Hex(previous), now);
    setCookie(response, SESSION_COOKIE, cookie, this.cookieOptions);
    if (resume.kind === 'authorize') return redirect(response, await this.issueCode(session, resume.authorization));
    return this.sendWithPlatformCookie(session, resume.goto, response);
  }

  // ---- GET /authentication?goto= ---------------------------------------------------------------

  /** The goto URL if it is allowed, else the default page: never an open redirect. */
  private gotoOf(value: unknown): string {
    return allowedGoto(value, this.config.redirectHosts, this.config.allowLoopback)?.href ?? this.config.defaultPage;
  }

  async platformCookie(query: Record<string, unknown>, request: Request, response: Response): Promise<void> {
    const goto = this.gotoOf(query.goto);
    const session = await this.currentSession(request);
    if (session) return this.sendWithPlatformCookie(session, goto, response);
    await this.startUpstream(response, { kind: 'goto', goto }, DEFAULT_ACR, {});
  }

  private async sendWithPlatformCookie(session: LoginSession, goto: string, response: Response): Promise<void> {
    const token = await this.tokens.accessToken(session);
    setCookie(response, this.config.platformCookieName, token.token, this.cookieOptions);
    redirect(response, this.gotoOf(goto));
  }

  // ---- logout ----------------------------------------------------------------------------------

  /**
   * Ends a session and revokes its refresh tokens; then the browser goes through ID-porten's
   * end-session endpoint and comes back to `target` (our logged-out return remembers it).
   */
  async logOut(session: LoginSession | undefined, target: string, request: Request, response: Response): Promise<void> {
    const now = this.now();
    const cookie = readCookie(request, SESSION_COOKIE);
    const ended = cookie ? await this.sessions.endByCookie(sha256Hex(cookie), now) : undefined;
    const sessionToEnd = ended ?? (session ? await this.sessions.endById(session.id, now) : undefined) ?? session;
    clearCookie(response, SESSION_COOKIE, this.cookieOptions);
    clearCookie(response, this.config.platformCookieName, this.cookieOptions);
    if (!sessionToEnd) return redirect(response, target);
    await this.refreshTokens.revokeSession(sessionToEnd.id, now);
    await this.events.issued(LOGIN_EVENTS.logout, { userId: sessionToEnd.userId, sessionId: sessionToEnd.id, issuedJti: sessionToEnd.id });
    const upstreamUrl = await this.upstream.endSessionUrl(sessionToEnd.upstreamIdToken, newSecret()).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'ID-porten end-session endpoint unknown; logged out here only');
      return undefined;
    });
    if (!upstreamUrl) return redirect(response, target);
    setCookie(response, LOGOUT_COOKIE, encodeURIComponent(target), { ...this.cookieOptions, maxAgeSeconds: 600 });
    redirect(response, upstreamUrl);
  }

  /** Back from ID-porten's end-session endpoint: on to where the logout asked to go. */
  async loggedOut(request: Request, response: Response): Promise<void> {
    const stored = readCookie(request, LOGOUT_COOKIE);
    clearCookie(response, LOGOUT_COOKIE, this.cookieOptions);
    let target = this.config.defaultPage;
    if (stored) {
      try {
        const candidate = decodeURIComponent(stored);
        // Only what a logout of ours put there: a registered post-logout URI, or an allowed page.
        if (candidate === this.config.defaultPage || (await this.isRegisteredPostLogoutTarget(candidate))) target = candidate;
      } catch {
        // A malformed cookie is no target.
      }
    }
    redirect(response, target);
  }

  private async isRegisteredPostLogoutTarget(candidate: string): Promise<boolean> {
    const url = new URL(candidate);
    url.searchParams.delete('state');
    const base = url.href;
    return (await this.clients.list()).some(
      (c) => c.postLogoutRedirectUris.includes(base) || c.postLogoutRedirectUris.includes(base.replace(/\?$/, '')),
    );
  }

  /** ID-porten's front-channel logout: ends every session that its session started. */
  async frontchannelLogout(iss: unknown, sid: unknown): Promise<number> {
    if (typeof iss !== 'string' || typeof sid !== 'string' || sid.length === 0 || sid.length > 512) return 0;
    if (iss !== (await this.upstream.issuer())) return 0;
    const now = this.now();
    const ended = await this.sessions.endByUpstream(iss, sid, now);
    for (const session of ended) {
      await this.refreshTokens.revokeSession(session.id, now);
      await this.events.issued(LOGIN_EVENTS.logout, { userId: session.userId, sessionId: session.id, issuedJti: session.id });
    }
    return ended.length;
  }
}
