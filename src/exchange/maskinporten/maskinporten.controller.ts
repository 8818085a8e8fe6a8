import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ISSUED_TOKEN_EXAMPLES } from '../../common/issued-claims';
import { ApiProblems, ApiTokenResponses } from '../../common/openapi';
import { EXCHANGE_PATH, EXCHANGE_PROVIDERS } from '../../common/routes';
import { ApiAudienceQuery, audienceParameter } from '../shared/token-audiences';
import { sendToken } from '../shared/token-response';
import { AcceptTokensFrom, BearerTokenGuard, type VerifiedRequest } from '../../trusted-issuers/bearer-token.guard';
import { MaskinportenExchange } from './maskinporten-exchange';

@ApiTags('exchange')
@Controller(EXCHANGE_PATH)
export class MaskinportenController {
  constructor(private readonly exchange: MaskinportenExchange) {}

  /** A Maskinporten access token in, our token out (text/plain, or JSON on Accept). */
  @Get(EXCHANGE_PROVIDERS.maskinporten)
  @ApiOperation({ summary: 'Exchange a Maskinporten access token for a platform token' })
  @ApiQuery({
    name: 'test',
    required: false,
    enum: ['true', 'false'],
    description: 'true maps the organisation digdir to ttd (not in production unless allowed)',
  })
  @ApiAudienceQuery()
  @ApiTokenResponses('The platform token.', [
    ISSUED_TOKEN_EXAMPLES.organisation,
    ISSUED_TOKEN_EXAMPLES.systemUser,
    ISSUED_TOKEN_EXAMPLES.supplier,
  ])
  @ApiProblems(400)
  @AcceptTokensFrom('maskinporten')
  @UseGuards(ThrottlerGuard, BearerTokenGuard)
  async exchangeToken(
    @Req() request: VerifiedRequest,
    @Res() response: Response,
    @Query('test') test?: unknown,
    @Query('audience') audience?: unknown,
  ): Promise<void> {
    sendToken(request, response, await this.exchange.exchange(request.verifiedToken, { test, audience: audienceParameter(audience) }));
  }
}
