import { Body, Controller, Get, Header, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NoStore, setNoStore } from '../../common/http-caching';
import { ApiProblems, BEARER_SCHEME } from '../../common/openapi';
import { ROUTES, TEST_IDP_PATHS } from '../../common/routes';
import { TestIdpAdminGuard } from '../shared/admin.guard';
import { IssuerKeyStore } from '../shared/issuer-key-store';
import { IdportenLogin } from './idporten-login';
import { IdportenTokenDto } from './idporten-token.dto';
import { LOGIN_SCRIPT, loginForm, loginRefusal, loginResult, type LoginValues, typedLoginValues } from './login-page';

/**
 * The local ID-porten for people and scripts: its JWKS and a login page that shows a person's token.
 * code-flow/ serves its OpenID Connect side (discovery, authorize, token, userinfo, end session).
 */
@ApiTags('test-idp')
@ApiBearerAuth(BEARER_SCHEME)
@ApiProblems(400, 401, 429)
@UseGuards(ThrottlerGuard)
@Controller(ROUTES.testIdpIdporten)
export class IdportenStandInController {
  constructor(
    private readonly login: IdportenLogin,
    private readonly keys: IssuerKeyStore,
    private readonly admin: TestIdpAdminGuard,
  ) {}

  @Get(TEST_IDP_PATHS.jwks)
  async jwks() {
    return (await this.keys.key('idporten')).jwks;
  }

  @Get(TEST_IDP_PATHS.login)
  @ApiOperation({ summary: 'Login page for a person at a browser' })
  @ApiProduces('text/html')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @NoStore()
  form(): string {
    return loginForm({ action: 'login', askAdminToken: this.admin.required });
  }

  @Get(TEST_IDP_PATHS.loginScript)
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @NoStore()
  script(): string {
    return LOGIN_SCRIPT;
  }

  /** The form post: a browser sends urlencoded fields; the page shows the token and can exchange it. */
  @Post(TEST_IDP_PATHS.login)
  @ApiOperation({ summary: 'The login form post: shows the token and exchanges it on a click' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  async submit(@Req() request: Request, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    setNoStore(response);
    response.type('html');
    const form = body ?? {};
    const again = (status: number, error: string): void => {
      response
        .status(status)
        .send(loginForm({ action: 'login', error, values: typedLoginValues(form), askAdminToken: this.admin.required }));
    };
    if (!this.admin.acceptsForm(request, form.admin_token)) return again(401, 'The test IdP admin token is missing or wrong.');
    const refusal = loginRefusal(typedLoginValues(form));
    if (refusal) return again(400, refusal);
    const { pid, acr, amr } = typedLoginValues(form) as Required<LoginValues>;
    const dto = Object.assign(new IdportenTokenDto(), { pid, acr, amr: [amr] });
    const { access_token: token } = await this.login.token(dto);
    response.status(200).send(loginResult(token, `/${ROUTES.idportenExchange}`));
  }
}
