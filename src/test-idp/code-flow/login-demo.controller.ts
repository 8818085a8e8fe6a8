import { createHash, randomBytes } from 'node:crypto';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { readCookie } from '../../common/cookies';
import { ROUTES, serviceBaseUrl } from '../../common/routes';
import { loginConfig, tokenConfig } from '../../config';
import { OidcClientRepository } from '../../login/oidc-client.repository';
import { setNoStore } from '../../common/http-caching';

/** The public client of our login that the demo page is. */
export const DEMO_CLIENT_ID = 'test-idp-login-demo';
const COOKIE = 'login_demo';
const PATH = ROUTES.testIdpLoginDemo;

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:.5rem}</style></head><body>${body}</body></html>`;
}

/**
 * Development: the whole login round trip in a browser. `GET /test-idp/login-demo` is a public
 * client of our OpenID Provider (registered on first use): it sends the browser to /authorize with
 * PKCE, state and nonce; test ID-porten's form logs the person in; the callback redeems the code at
 * our token endpoint and shows the three tokens and their claims.
 */
@ApiTags('test-idp')
@Controller()
export class LoginDemoController {
  private readonly clients: OidcClientRepository;

  constructor(
    dataSource: DataSource,
    @Inject(tokenConfig.KEY) private readonly token: ConfigType<typeof tokenConfig>,
    @Inject(loginConfig.KEY) private readonly login: ConfigType<typeof loginConfig>,
  ) {
    this.clients = new OidcClientRepository(dataSource);
  }

  private get base(): string {
    return serviceBaseUrl(this.token.issuer);
  }

  private get callback(): string {
    return `${this.base}${ROUTES.testIdpLoginDemoCallback}`;
  }

  private send(response: Response, status: number, html: string): void {
    response.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    setNoStore(response);
    response.status(status).type('html').send(html);
  }

  @Get(PATH)
  @ApiOperation({ summary: 'Development: starts a login round trip through our OpenID Provider and test ID-porten' })
  @ApiProduces('text/html')
  async start(@Res() response: Response): Promise<void> {
    if (!this.login.enabled) return this.send(response, 404, page('Login is off', '<p>Login is off (LOGIN_ENABLED=false).</p>'));
    await this.clients.ensure({
      clientId: DEMO_CLIENT_ID,
      secretSha256: null,
      name: 'Login demo (test IdP)',
      redirectUris: [this.callback],
      postLogoutRedirectUris: [`${this.base}${PATH}`],
      frontchannelLogoutUri: null,
      public: true,
    });
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${this.base}${ROUTES.authorize}`);
    const params = {
      client_id: DEMO_CLIENT_ID,
      redirect_uri: this.callback,
      response_type: 'code',
      scope: 'openid',
      state,
      nonce: randomBytes(16).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    response.cookie(COOKIE, `${state}.${verifier}`, { httpOnly: true, sameSite: 'lax', path: `/${PATH}`, maxAge: 600_000 });
    setNoStore(response);
    response.redirect(303, url.href);
  }

  @Get(ROUTES.testIdpLoginDemoCallback)
  @ApiOperation({ summary: 'Development: redeems the code at our token endpoint and shows the tokens' })
  @ApiProduces('text/html')
  async finish(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    const [state, verifier] = (readCookie(request, COOKIE) ?? '').split('.');
    response.clearCookie(COOKIE, { path: `/${PATH}` });
    if (typeof query.error === 'string') return this.send(response, 400, page('Login failed', `<p id="error">${escape(query.error)}</p>`));
    if (!state || query.state !== state || typeof query.code !== 'string')
      return this.send(
        response,
        400,
        page('Login failed', '<p id="error">The answer does not belong to this browser’s login. Start again.</p>'),
      );
    const answer = await fetch(`${this.base}${ROUTES.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: DEMO_CLIENT_ID,
        code: query.code,
        redirect_uri: this.callback,
        code_verifier: verifier,
      }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const tokens = (await answer.json()) as Record<string, string>;
    if (answer.status !== 200)
      return this.send(response, 502, page('Login failed', `<pre id="error">${escape(JSON.stringify(tokens))}</pre>`));
    const show = (name: string, jwt: boolean) =>
      `<h2>${name}</h2><pre id="${name}">${escape(tokens[name])}</pre>` +
      (jwt ? `<pre id="${name}_claims">${escape(JSON.stringify(decodeJwt(tokens[name]), null, 2))}</pre>` : '');
    const logout = `${this.base}${ROUTES.endSession}?id_token_hint=${encodeURIComponent(tokens.id_token)}&post_logout_redirect_uri=${encodeURIComponent(`${this.base}${PATH}`)}`;
    this.send(
      response,
      200,
      page(
        'Logged in',
        `<h1>Logged in through the platform’s login</h1>${show('id_token', true)}${show('access_token', true)}${show('refresh_token', false)}<p><a id="logout" href="${escape(logout)}">Log out</a></p>`,
      ),
    );
  }
}
