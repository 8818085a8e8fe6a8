import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AuditLog } from '../audit/audit-log';
import { API_PREFIX } from '../discovery/discovery-document';
import { sendToken } from '../exchange/token-response';
import { bearerToken } from '../trusted-issuers/bearer-token';
import { TokenRefresh } from './token-refresh';

@Controller(API_PREFIX)
export class RefreshController {
  constructor(
    private readonly refresher: TokenRefresh,
    private readonly audit: AuditLog,
  ) {}

  /** One of our own tokens in, a fresh one out (text/plain, or JSON on Accept). */
  @Get('refresh')
  @UseGuards(ThrottlerGuard)
  async refresh(@Req() request: Request, @Res() response: Response): Promise<void> {
    let token: string;
    try {
      token = bearerToken(request.headers.authorization);
    } catch (error) {
      this.audit.recordFailure('refresh', error);
      throw error;
    }
    sendToken(request, response, await this.refresher.refresh(token));
  }
}
