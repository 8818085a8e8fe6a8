import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BadRequestError } from '../common/errors';
import { ApiProblems, BEARER_SCHEME } from '../common/openapi';
import { ROUTES } from '../common/routes';
import { IntrospectionCallerGuard } from './introspection-caller.guard';
import { IntrospectionRequestDto } from './introspection-request.dto';
import { TokenIntrospection } from './token-introspection';

const FORM = 'application/x-www-form-urlencoded';

@ApiTags('oauth')
@Controller()
export class IntrospectionController {
  constructor(private readonly introspection: TokenIntrospection) {}

  /** RFC 7662: is this token of ours active, and what does it say? For callers holding an introspection secret. */
  @Post(ROUTES.introspection)
  @HttpCode(200)
  @ApiOperation({
    summary: 'RFC 7662 introspection of our own tokens (Bearer: one of INTROSPECTION_TOKENS; 404 when none is set)',
    description:
      'active: true with the token’s claims when one of our still-published keys signed it and it has not expired; otherwise {"active": false}.',
  })
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiConsumes(FORM)
  @ApiProduces('application/json')
  @ApiResponse({
    status: 200,
    description: 'Cache-Control: no-store',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['active'],
          properties: {
            active: { type: 'boolean' },
            iss: { type: 'string' },
            exp: { type: 'integer' },
            iat: { type: 'integer' },
            jti: { type: 'string' },
            aud: { type: 'string' },
          },
          additionalProperties: true,
        },
        examples: {
          active: {
            value: {
              active: true,
              scope: 'altinn:instances.read',
              orgNumber: 974760673,
              iss: 'https://platform.example/authentication/api/v1/openid/',
              exp: 1571996946,
            },
          },
          inactive: { value: { active: false } },
        },
      },
    },
  })
  @ApiProblems(400, 401, 404, 429)
  @UseGuards(ThrottlerGuard, IntrospectionCallerGuard)
  async introspect(@Req() request: Request, @Res() response: Response, @Body() body: IntrospectionRequestDto): Promise<void> {
    if (!request.is(FORM)) throw new BadRequestError('the request body must be application/x-www-form-urlencoded');
    const answer = await this.introspection.introspect(body.token);
    response.status(200).setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    response.json(answer);
  }
}
