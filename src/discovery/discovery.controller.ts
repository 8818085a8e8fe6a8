import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { introspectionConfig, loginConfig, tokenConfig } from '../config';
import { KeyRing } from '../keys/key-ring';
import { entityTag, matchesEntityTag } from '../common/http-caching';
import { JWKS_SEGMENT, ROUTES } from '../common/routes';
import { buildDiscoveryDocument } from './discovery-document';

interface CachedDocument {
  body: string;
  etag: string;
}

/** OpenID Connect discovery: how every platform API finds and follows our signing keys. */
@ApiTags('discovery')
@Controller(ROUTES.discovery)
export class DiscoveryController {
  private readonly configuration: CachedDocument;

  constructor(
    private readonly keys: KeyRing,
    @Inject(tokenConfig.KEY) private readonly config: ConfigType<typeof tokenConfig>,
    @Inject(introspectionConfig.KEY) introspection: ConfigType<typeof introspectionConfig>,
    @Inject(loginConfig.KEY) login: ConfigType<typeof loginConfig>,
  ) {
    const body = JSON.stringify(buildDiscoveryDocument(config.issuer, { introspection: introspection.enabled, login: login.enabled }));
    this.configuration = { body, etag: entityTag(body) };
  }

  @Get()
  @ApiOperation({ summary: 'OpenID Connect discovery document' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiResponse({ status: 200, description: 'issuer, jwks_uri, endpoints and what we support; Cache-Control and ETag' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag given' })
  configurationDocument(@Req() request: Request, @Res() response: Response): void {
    this.send(request, response, this.configuration);
  }

  @Get(JWKS_SEGMENT)
  @ApiOperation({ summary: 'Our published signing keys (RSA, RS256, kid = RFC 7638 thumbprint, x5c certificate)' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiResponse({ status: 200, description: '{"keys": [{"kty","use","alg","kid","n","e","x5c","x5t#S256"}]}' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag given' })
  jwks(@Req() request: Request, @Res() response: Response): void {
    this.send(request, response, this.keys.jwks());
  }

  private send(request: Request, response: Response, document: CachedDocument): void {
    response.setHeader('Cache-Control', `public, max-age=${this.config.discoveryMaxAgeSeconds}`);
    response.setHeader('ETag', document.etag);
    if (matchesEntityTag(request.headers, document.etag)) {
      response.status(304).end();
      return;
    }
    response.status(200).type('application/json').send(document.body);
  }
}
