import { Controller, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EXCHANGEABLE_TOKEN_TYPES, TOKEN_EXCHANGE_GRANT_TYPE, TokenTypeUri } from '../../common/oauth';
import { ROUTES } from '../../common/routes';
import { sendTokenJson } from '../shared/token-response';
import { StandardTokenExchange } from './standard-token-exchange';
import { OAuthError } from '../../common/errors';
import { TOKEN_GRANTS, TokenGrant } from '../shared/token-grants';
import { TOKEN_NO_STORE } from '../../common/http-caching';

const FORM = 'application/x-www-form-urlencoded';

const OAUTH_ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'string',
      enum: [
        'invalid_request',
        'invalid_grant',
        'invalid_scope',
        'invalid_target',
        'unsupported_grant_type',
        'temporarily_unavailable',
        'server_error',
      ],
    },
    error_description: { type: 'string', example: 'the token has expired' },
  },
};

@ApiTags('oauth')
@Controller()
export class TokenController {
  constructor(
    private readonly exchange: StandardTokenExchange,
    @Inject(TOKEN_GRANTS) private readonly grants: readonly TokenGrant[],
  ) {}

  /** RFC 8693 token exchange: a Maskinporten or ID-porten token in (its issuer names the provider), ours out. */
  @Post(ROUTES.token)
  @ApiOperation({
    summary: 'RFC 8693 token exchange: a Maskinporten or ID-porten access token in, a platform token out',
    description:
      'The provider follows from the subject token’s iss, which must equal a configured issuer exactly. Same checks, claims, audit and rate limit as the GET exchanges. No client authentication: the subject token is the credential. Errors are RFC 6749 §5.2 JSON.',
  })
  @ApiConsumes(FORM)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type', 'subject_token', 'subject_token_type'],
      properties: {
        grant_type: { type: 'string', enum: [TOKEN_EXCHANGE_GRANT_TYPE] },
        subject_token: { type: 'string', description: 'The Maskinporten or ID-porten access token (a JWT, at most 8 KB)' },
        subject_token_type: { type: 'string', enum: [...EXCHANGEABLE_TOKEN_TYPES] },
        requested_token_type: {
          type: 'string',
          enum: [...EXCHANGEABLE_TOKEN_TYPES],
          description: `Echoed as issued_token_type; default ${TokenTypeUri.jwt}`,
        },
        audience: { type: 'string', description: 'Bind the token to this API (aud); must be listed in TOKEN_AUDIENCES. May be repeated.' },
        resource: { type: 'string', format: 'uri', description: 'As audience, given as an absolute URI (RFC 8707). May be repeated.' },
      },
    },
  })
  @ApiProduces('application/json')
  @ApiResponse({
    status: 200,
    description: 'The platform token (Cache-Control: no-store)',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            access_token: { type: 'string' },
            issued_token_type: { type: 'string', example: TokenTypeUri.jwt },
            token_type: { type: 'string', example: 'Bearer' },
            expires_in: { type: 'integer', example: 1800 },
          },
        },
      },
    },
  })
  @ApiResponse({
    status: 400,
    description:
      'RFC 6749 §5.2 error: invalid_request, invalid_grant (the subject token is refused), invalid_scope, invalid_target, unsupported_grant_type',
    content: { 'application/json': { schema: OAUTH_ERROR_SCHEMA } },
  })
  @ApiResponse({
    status: 429,
    description: 'Rate limit passed (Retry-After): temporarily_unavailable',
    content: { 'application/json': { schema: OAUTH_ERROR_SCHEMA } },
  })
  @ApiResponse({
    status: 503,
    description: 'A dependency is away (Retry-After): temporarily_unavailable',
    content: { 'application/json': { schema: OAUTH_ERROR_SCHEMA } },
  })
  @UseGuards(ThrottlerGuard)
  async token(@Req() request: Request, @Res() response: Response): Promise<void> {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const grant = this.grants.find((g) => g.grantType === form.grant_type);
    if (grant) {
      if (!request.is(FORM)) throw new OAuthError('invalid_request', `the request must be ${FORM}`);
      const answer = JSON.stringify(await grant.redeem(form, request.headers.authorization));
      response.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(answer),
        ...TOKEN_NO_STORE,
      });
      response.end(answer);
      return;
    }
    const input = {
      body: request.body as unknown,
      formEncoded: Boolean(request.is(FORM)),
      hasAuthorization: request.headers.authorization !== undefined,
    };
    const { signed, issuedTokenType } = await this.exchange.exchange(input);
    sendTokenJson(response, signed, issuedTokenType);
  }
}
