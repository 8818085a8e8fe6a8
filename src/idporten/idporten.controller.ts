import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { EXCHANGE_PATH } from '../discovery/discovery-document';
import { sendToken } from '../exchange/token-response';
import { AcceptTokensFrom, BearerTokenGuard, type VerifiedRequest } from '../trusted-issuers/bearer-token.guard';
import { IdportenExchange } from './idporten-exchange';

@Controller(EXCHANGE_PATH)
export class IdportenController {
  constructor(private readonly exchange: IdportenExchange) {}

  /** An ID-porten access token in, our token with the person's user and party out. */
  @Get('id-porten')
  @AcceptTokensFrom('idporten')
  @UseGuards(ThrottlerGuard, BearerTokenGuard)
  async exchangeToken(@Req() request: VerifiedRequest, @Res() response: Response): Promise<void> {
    sendToken(request, response, await this.exchange.exchange(request.verifiedToken));
  }
}
