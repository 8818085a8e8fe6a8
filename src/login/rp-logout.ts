import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { Clock } from '../common/clock';
import { loginConfig } from '../config';
import { OwnTokenVerifier } from '../keys/own-token-verifier';
import { LoginFlow } from './login-flow';
import { LoginSessionRepository } from './login-session.repository';
import { OidcClientRepository } from './oidc-client.repository';
import { sendErrorPage } from './pages';

const single = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the client is named by
 * `id_token_hint` (ours, signature checked) or `client_id`; `post_logout_redirect_uri` must be one
 * it registered, exactly, else an error page and no redirect.
 */
@Injectable()
export class RpLogout {
  constructor(
    private readonly flow: LoginFlow,
    private readonly verifier: OwnTokenVerifier,
    private readonly clients: OidcClientRepository,
    private readonly sessions: LoginSessionRepository,
    private readonly clock: Clock,
    @Inject(loginConfig.KEY) private readonly config: ConfigType<typeof loginConfig>,
  ) {}

  get defaultPage(): string {
    return this.config.defaultPage;
  }

  async logOut(query: Record<string, unknown>, request: Request, response: Response): Promise<void> {
    const hint = single(query.id_token_hint);
    const postLogout = single(query.post_logout_redirect_uri);
    const state = single(query.state);
    let clientId = single(query.client_id);
    let sid: string | undefined;
    if (hint) {
      let payload;
      try {
        payload = await this.verifier.verify(hint);
      } catch {
        return sendErrorPage(response, 400, 'The id_token_hint is not a valid ID token of ours.');
      }
      const aud = typeof payload.aud === 'string' ? payload.aud : undefined;
      if (clientId !== undefined && aud !== clientId)
        return sendErrorPage(response, 400, 'The id_token_hint was issued to another client.');
      clientId = aud;
      sid = typeof payload.sid === 'string' ? payload.sid : undefined;
    }
    let target = this.config.defaultPage;
    if (postLogout !== undefined) {
      const client = clientId ? await this.clients.findById(clientId) : undefined;
      if (!client) return sendErrorPage(response, 400, 'post_logout_redirect_uri needs id_token_hint or client_id of a registered client.');
      if (!client.postLogoutRedirectUris.includes(postLogout))
        return sendErrorPage(response, 400, 'The post_logout_redirect_uri is not one this client registered.');
      const url = new URL(postLogout);
      if (state !== undefined) url.searchParams.set('state', state.slice(0, 1024));
      target = url.href;
    }
    const session = sid && /^[0-9a-f-]{36}$/.test(sid) ? await this.sessions.findLive(sid, new Date(this.clock.now())) : undefined;
    return this.flow.logOut(session ?? (await this.flow.currentSession(request)), target, request, response);
  }
}
