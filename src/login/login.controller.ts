import { Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { bearerToken } from '../common/bearer-token';
import { ROUTES } from '../common/routes';
import { LoginFlow } from './login-flow';
import { RpLogout } from './rp-logout';
import { Userinfo } from './userinfo';
import { pageHeaders } from './pages';
import { setNoStore } from '../common/http-caching';

/** The OpenID Provider's browser endpoints and userinfo. Rate limited per client address. */
@ApiTags('login')
@UseGuards(ThrottlerGuard)
@Controller()
export class LoginController {
  constructor(
    private readonly flow: LoginFlow,
    private readonly rpLogout: RpLogout,
    private readonly userinfoService: Userinfo,
  ) {}

  @Get(ROUTES.authorize)
  @ApiOperation({
    summary: 'Authorization endpoint: code flow, PKCE S256 required; logs in at ID-porten unless a session satisfies the request',
  })
  @ApiProduces('text/html')
  authorize(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.flow.authorize(query, request, response);
  }

  @Get(ROUTES.upstreamCallback)
  @ApiOperation({ summary: 'Where ID-porten sends the browser back: the code is redeemed, the session started' })
  @ApiProduces('text/html')
  callback(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.flow.callback(query, request, response);
  }

  @Get(ROUTES.upstreamFrontchannelLogout)
  @ApiOperation({ summary: 'ID-porten front-channel logout (iss, sid): ends the sessions that ID-porten session started' })
  async frontchannelLogout(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    await this.flow.frontchannelLogout(query.iss, query.sid);
    pageHeaders(response);
    // Loaded in ID-porten's invisible iframe: framing is what it is for.
    response.setHeader('Content-Security-Policy', "default-src 'none'");
    response.removeHeader('X-Frame-Options');
    response.status(200).type('html').send('<!doctype html><title>Logged out</title>');
  }

  @Get(ROUTES.upstreamLogoutReturn)
  @ApiOperation({ summary: 'Where ID-porten’s end-session endpoint sends the browser back: on to the logout’s target' })
  loggedOut(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.flow.loggedOut(request, response);
  }

  @Get(ROUTES.endSession)
  @ApiOperation({ summary: 'RP-initiated logout: id_token_hint, post_logout_redirect_uri (registered), state' })
  endSession(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.rpLogout.logOut(query, request, response);
  }

  @Get(ROUTES.platformCookie)
  @ApiOperation({ summary: 'Puts the person’s platform token in the AltinnStudioRuntime cookie and goes to goto (allowed hosts only)' })
  platformCookie(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.flow.platformCookie(query, request, response);
  }

  @Get(ROUTES.logout)
  @ApiOperation({ summary: 'Clears the platform cookie, ends the session, logs out at ID-porten' })
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    const session = await this.flow.currentSession(request);
    return this.flow.logOut(session, this.rpLogout.defaultPage, request, response);
  }

  @Get(ROUTES.userinfo)
  @ApiOperation({ summary: 'The person behind one of our login access tokens (Bearer)' })
  userinfo(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    setNoStore(response);
    return this.userinfoService.claims(bearerToken(request));
  }

  @Post(ROUTES.userinfo)
  @HttpCode(200)
  @ApiOperation({ summary: 'The person behind one of our login access tokens (Bearer)' })
  userinfoPost(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    setNoStore(response);
    return this.userinfoService.claims(bearerToken(request));
  }
}
