import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { Clock } from '../common/clock';
import { checkEndSessionRequest, type EndSessionProfile, LogoutPageError } from '../common/end-session-request';
import { InvalidTokenError } from '../common/errors';
import { loginConfig } from '../config';
import { OwnTokenVerifier } from '../keys/own-token-verifier';
import { LoginFlow } from './login-flow';
import { LoginSessionRepository } from './login-session.repository';
import { type OidcClient, OidcClientRepository } from './oidc-client.repository';
import { sendErrorPage } from './pages';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0; common/end-session-request.ts has the
 * rules): the client is named by `id_token_hint` (ours) or `client_id`; `post_logout_redirect_uri`
 * must be one of its post_logout_redirect_uris, exactly, else an error page and no redirect. Without
 * one the browser ends on the default page.
 */
@Injectable()
export class RpLogout {
  private readonly profile: EndSessionProfile<OidcClient>;

  constructor(
    private readonly flow: LoginFlow,
    verifier: OwnTokenVerifier,
    clients: OidcClientRepository,
    private readonly sessions: LoginSessionRepository,
    private readonly clock: Clock,
    @Inject(loginConfig.KEY) private readonly config: ConfigType<typeof loginConfig>,
  ) {
    this.profile = {
      verifyIdTokenHint: (hint) =>
        verifier.verifyPastExpiry(hint).catch((error: unknown) => {
          if (error instanceof InvalidTokenError) return undefined;
          throw error;
        }),
      findClient: (clientId) => clients.findById(clientId),
      postLogoutRedirectUris: (client) => client.postLogoutRedirectUris,
      clientIdParameter: true,
    };
  }

  get defaultPage(): string {
    return this.config.defaultPage;
  }

  async logOut(query: Record<string, unknown>, request: Request, response: Response): Promise<void> {
    let checked;
    try {
      checked = await checkEndSessionRequest(query, this.profile);
    } catch (error) {
      if (error instanceof LogoutPageError) return sendErrorPage(response, 400, error.message);
      throw error;
    }
    const { sid } = checked;
    const session = sid && /^[0-9a-f-]{36}$/.test(sid) ? await this.sessions.findLive(sid, new Date(this.clock.now())) : undefined;
    return this.flow.logOut(
      session ?? (await this.flow.currentSession(request)),
      checked.redirect ?? this.config.defaultPage,
      request,
      response,
    );
  }
}
