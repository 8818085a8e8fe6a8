import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ISSUED_TOKEN_EXAMPLES } from '../../common/issued-claims';
import { ApiProblems, ApiTokenResponses } from '../../common/openapi';
import { EXCHANGE_PATH, EXCHANGE_PROVIDERS } from '../../common/routes';
import { ApiAudienceQuery, audienceParameter } from '../shared/token-audiences';
import { sendToken } from '../shared/token-response';
import { AcceptTokensFrom, BearerTokenGuard, type VerifiedRequest } from '../../trusted-issuers/bearer-token.guard';
import { IdportenExchange } from './idporten-exchange';

@ApiTags('exchange')
@Controller(EXCHANGE_PATH)
export class IdportenController {
  constructor(private readonly exchange: IdportenExchange) {}

  /** An ID-porten access token in, our token with the person's user and party out. */
  @Get(EXCHANGE_PROVIDERS.idporten)
  @ApiOperation({ summary: 'Exchange an ID-porten access token for a platform token with the person’s user and party' })
  @ApiAudienceQuery()
  @ApiTokenResponses('The platform token.', [ISSUED_TOKEN_EXAMPLES.person])
  @ApiProblems(400, 403)
  @AcceptTokensFrom('idporten')
  @UseGuards(ThrottlerGuard, BearerTokenGuard)
  async exchangeToken(@Req() request: VerifiedRequest, @Res() response: Response, @Query('audience') audience?: unknown): Promise<void> {
    sendToken(request, response, await this.exchange.exchange(request.verifiedToken, { audience: audienceParameter(audience) }));
  }
}
