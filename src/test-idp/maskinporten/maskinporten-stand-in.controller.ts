import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createValidationPipe } from '../../common/validation';
import { SYSTEM_USER_TYPE } from '../../common/issued-claims';
import { ApiProblems, BEARER_SCHEME } from '../../common/openapi';
import { ROUTES, TEST_IDP_PATHS } from '../../common/routes';
import { TestIdpAdminGuard } from '../shared/admin.guard';
import { IssuerKeyStore } from '../shared/issuer-key-store';
import { JWT_BEARER, MaskinportenGrant } from './maskinporten-grant';
import { MaskinportenTokenDto } from './maskinporten-token.dto';
import { setNoStore, TOKEN_NO_STORE } from '../../common/http-caching';

/** The local Maskinporten: metadata, JWKS and the JWT-bearer token endpoint (provisioning/ serves the provisioning API beside it). */
@ApiTags('test-idp')
@ApiBearerAuth(BEARER_SCHEME)
@ApiExtraModels(MaskinportenTokenDto)
@ApiProblems(400, 401, 429)
@UseGuards(ThrottlerGuard)
@Controller(ROUTES.testIdpMaskinporten)
export class MaskinportenStandInController {
  constructor(
    private readonly grant: MaskinportenGrant,
    private readonly keys: IssuerKeyStore,
    private readonly admin: TestIdpAdminGuard,
  ) {}

  private readonly validation = createValidationPipe();

  @Get(TEST_IDP_PATHS.maskinportenMetadata)
  metadata() {
    const issuer = this.grant.issuer;
    return {
      issuer,
      token_endpoint: `${issuer}${TEST_IDP_PATHS.token}`,
      jwks_uri: `${issuer}${TEST_IDP_PATHS.jwks}`,
      grant_types_supported: [JWT_BEARER],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      authorization_details_types_supported: [SYSTEM_USER_TYPE],
    };
  }

  @Get(TEST_IDP_PATHS.jwks)
  async jwks() {
    return (await this.keys.key('maskinporten')).jwks;
  }

  @Post(TEST_IDP_PATHS.token)
  @ApiOperation({
    summary: 'A Maskinporten-shaped access token',
    description:
      'Form-encoded: the RFC 7523 JWT-bearer grant of a provisioned client; its assertion may carry authorization_details [{"type": "urn:altinn:systemuser", "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": "0192:<customer>"}}] for a system user of one of the client\'s systems, or consumer_org (a supplier acting for a consumer that delegated the scope to it). JSON (development shortcut, admin token when one is set): a token for any `orgno` and `scope` at once, with `claims` added or overridden (never `iss` or `exp`) and `expires_in` (0 or negative: expired).',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          required: ['grant_type', 'assertion'],
          properties: { grant_type: { type: 'string', example: JWT_BEARER }, assertion: { type: 'string' } },
        },
        { $ref: getSchemaPath(MaskinportenTokenDto) },
      ],
    },
  })
  @ApiResponse({ status: 200, description: '{access_token, token_type, expires_in, scope}' })
  @ApiResponse({
    status: 400,
    description: 'RFC 6749 error: {error, error_description}',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            error: {
              type: 'string',
              enum: [
                'invalid_request',
                'invalid_client',
                'invalid_grant',
                'invalid_scope',
                'unsupported_grant_type',
                'invalid_authorization_details',
              ],
            },
            error_description: { type: 'string' },
          },
        },
      },
    },
  })
  async token(@Req() request: Request, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    let issued;
    if (request.is('application/json')) {
      this.admin.check(request);
      issued = await this.grant.shortcut(
        (await this.validation.transform(body, { type: 'body', metatype: MaskinportenTokenDto })) as MaskinportenTokenDto,
      );
    } else {
      issued = await this.grant.grant(body ?? {});
    }
    setNoStore(response, TOKEN_NO_STORE);
    response.status(200).json(issued);
  }
}
