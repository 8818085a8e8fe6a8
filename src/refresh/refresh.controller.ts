import { Controller, Get, Inject, Req, Res, UseGuards } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ISSUED_TOKEN_EXAMPLES } from '../common/issued-claims';
import { ApiTokenResponses } from '../common/openapi';
import { ROUTES } from '../common/routes';
import { sendToken } from '../exchange/shared/token-response';
import { readCookie } from '../common/cookies';
import { loginConfig } from '../config';
import { TokenRefresh } from './token-refresh';

@ApiTags('exchange')
@Controller()
export class RefreshController {
  constructor(
    private readonly refresher: TokenRefresh,
    @Inject(loginConfig.KEY) private readonly login: ConfigType<typeof loginConfig>,
  ) {}

  /** One of our own tokens in, a fresh one out (text/plain, or JSON on Accept). */
  @Get(ROUTES.refresh)
  @ApiOperation({
    summary: 'Refresh one of our own tokens: same claims, new jti/iat/nbf/exp, within REFRESH_MAX_AGE_SECONDS of the first exchange',
  })
  @ApiTokenResponses('The refreshed token; it carries urn:altinn:exchanged_at, the time of the first exchange.', [
    ISSUED_TOKEN_EXAMPLES.refreshed,
  ])
  @UseGuards(ThrottlerGuard)
  async refresh(@Req() request: Request, @Res() response: Response): Promise<void> {
    // With login on, the platform cookie (AltinnStudioRuntime) stands in for a missing Authorization header.
    const cookie = this.login.enabled ? readCookie(request, this.login.platformCookieName) : undefined;
    sendToken(request, response, await this.refresher.refresh(request, cookie));
  }
}
