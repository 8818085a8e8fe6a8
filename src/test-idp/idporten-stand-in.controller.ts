import { Body, Controller, Get, Header, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblems, BEARER_SCHEME } from '../common/openapi';
import { ROUTES } from '../common/routes';
import { TestIdpAdminGuard } from './admin.guard';
import { IdportenLogin } from './idporten-login';
import { IssuerKeyStore } from './issuer-key-store';
import { LOGIN_SCRIPT, loginForm, loginResult } from './login-page';
import { IdportenTokenDto } from './provisioning.dto';

const LOGIN_FORM_PID = /^\d{11}$/;

/** The local ID-porten: metadata, JWKS, a token endpoint for scripts, and a login page for people. */
@ApiTags('test-idp')
@ApiBearerAuth(BEARER_SCHEME)
@ApiProblems(400, 401, 429)
@UseGuards(ThrottlerGuard)
@Controller(ROUTES.testIdpIdporten)
export class IdportenStandInController {
  constructor(
    private readonly login: IdportenLogin,
    private readonly keys: IssuerKeyStore,
  ) {}

  @Get('.well-known/openid-configuration')
  metadata() {
    const issuer = this.login.issuer;
    return {
      issuer,
      jwks_uri: `${issuer}jwks`,
      token_endpoint: `${issuer}token`,
      authorization_endpoint: `${issuer}login`,
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      acr_values_supported: ['idporten-loa-substantial', 'idporten-loa-high'],
    };
  }

  @Get('jwks')
  async jwks() {
    return (await this.keys.key('idporten')).jwks;
  }

  @Post('token')
  @ApiOperation({ summary: 'An ID-porten-shaped access token for a person, for scripts and tests; claims and expires_in as the Maskinporten shortcut' })
  @UseGuards(TestIdpAdminGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  token(@Body() dto: IdportenTokenDto) {
    return this.login.token(dto);
  }

  @Get('login')
  @ApiOperation({ summary: 'Login page for a person at a browser' })
  @ApiProduces('text/html')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  form(): string {
    return loginForm();
  }

  @Get('login.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  script(): string {
    return LOGIN_SCRIPT;
  }

  /** The form post: a browser sends urlencoded fields; the page shows the token and can exchange it. */
  @Post('login')
  @ApiOperation({ summary: 'The login form post: shows the token and exchanges it on a click' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @UseGuards(TestIdpAdminGuard)
  async submit(@Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    response.type('html');
    const pid = typeof body?.pid === 'string' ? body.pid.trim() : '';
    if (!LOGIN_FORM_PID.test(pid)) {
      response.status(400).send(loginForm('The person identifier must be 11 digits.'));
      return;
    }
    const acr = typeof body.acr === 'string' ? body.acr : undefined;
    const amr = typeof body.amr === 'string' ? [body.amr] : undefined;
    const dto = Object.assign(new IdportenTokenDto(), { pid, acr, amr });
    const { access_token: token } = await this.login.token(dto);
    response.status(200).send(loginResult(token, `/${ROUTES.idportenExchange}`));
  }
}
