import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { EXCHANGE_PATH } from '../discovery/discovery-document';
import { sendToken } from '../exchange/token-response';
import { AcceptTokensFrom, BearerTokenGuard, type VerifiedRequest } from '../trusted-issuers/bearer-token.guard';
import { MaskinportenExchange } from './maskinporten-exchange';

@Controller(EXCHANGE_PATH)
export class MaskinportenController {
  constructor(private readonly exchange: MaskinportenExchange) {}

  /** A Maskinporten access token in, our token out (text/plain, or JSON on Accept). */
  @Get('maskinporten')
  @AcceptTokensFrom('maskinporten')
  @UseGuards(ThrottlerGuard, BearerTokenGuard)
  async exchangeToken(@Req() request: VerifiedRequest, @Res() response: Response, @Query('test') test?: unknown): Promise<void> {
    sendToken(request, response, await this.exchange.exchange(request.verifiedToken, test));
  }
}
