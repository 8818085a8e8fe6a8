import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthorizationPageError, AuthorizationRedirectError, errorResponseUrl } from '../../common/authorization-request';
import { authorizationHeader } from '../../common/bearer-token';
import { LogoutPageError } from '../../common/end-session-request';
import { OAuthError } from '../../common/errors';
import { AUTHORIZATION_CODE_GRANT_TYPE, CLIENT_AUTH_METHODS } from '../../common/oauth';
import { NoStore, setNoStore, TOKEN_NO_STORE } from '../../common/http-caching';
import { ApiProblems, BEARER_SCHEME } from '../../common/openapi';
import { ROUTES, TEST_IDP_PATHS } from '../../common/routes';
import { createValidationPipe } from '../../common/validation';
import { IdportenLogin } from '../idporten/idporten-login';
import { IdportenTokenDto } from '../idporten/idporten-token.dto';
import {
  allowFormRedirectTo,
  errorPage,
  LEVELS,
  loginForm,
  loginRefusal,
  type LoginValues,
  typedLoginValues,
} from '../idporten/login-page';
import { TestIdpAdminGuard } from '../shared/admin.guard';
import { type AuthorizationRequest, CodeFlow, type OidcClientView } from './code-flow';
import { TestIdpLoginClient } from './login-client';
import { RegisterOidcClientDto } from './oidc-client.dto';

/**
 * Test ID-porten's OpenID Connect side: discovery, the authorization code flow (the login form at
 * /authorize), the token endpoint (and its JSON shortcut for scripts), userinfo, end session, and the
 * registration of relying parties. The person's tokens are made by idporten/.
 */
@ApiTags('test-idp')
@ApiBearerAuth(BEARER_SCHEME)
@ApiExtraModels(IdportenTokenDto)
@ApiProblems(400, 401, 429)
@UseGuards(ThrottlerGuard)
@Controller(ROUTES.testIdpIdporten)
export class CodeFlowController {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly login: IdportenLogin,
    private readonly codeFlow: CodeFlow,
    private readonly admin: TestIdpAdminGuard,
    private readonly loginClient: TestIdpLoginClient,
  ) {}

  /**
   * The form may post to the client's redirect URI. The service's own login client goes on from its
   * callback to its own clients, which this page cannot know: its form may go anywhere (development only).
   */
  private allowFormRedirect(response: Response, authorization: AuthorizationRequest): void {
    allowFormRedirectTo(response, authorization.redirectUri);
    const csp = response.getHeader('Content-Security-Policy');
    if (authorization.client.clientId === this.loginClient.clientId && typeof csp === 'string')
      response.setHeader('Content-Security-Policy', csp.replace(/form-action [^;]*;?/, ''));
  }

  @Get(TEST_IDP_PATHS.idportenMetadata)
  metadata() {
    const issuer = this.login.issuer;
    return {
      issuer,
      authorization_endpoint: `${issuer}${TEST_IDP_PATHS.authorize}`,
      token_endpoint: `${issuer}${TEST_IDP_PATHS.token}`,
      userinfo_endpoint: `${issuer}${TEST_IDP_PATHS.userinfo}`,
      jwks_uri: `${issuer}${TEST_IDP_PATHS.jwks}`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [AUTHORIZATION_CODE_GRANT_TYPE],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
      scopes_supported: ['openid', 'profile'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      acr_values_supported: [...LEVELS],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'pid', 'locale', 'sid', 'at_hash'],
      authorization_response_iss_parameter_supported: true,
      // Said outright: OpenID Connect Discovery takes request_uri support for granted when unsaid.
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      end_session_endpoint: `${issuer}${TEST_IDP_PATHS.endSession}`,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
    };
  }

  @Post(TEST_IDP_PATHS.token)
  @HttpCode(200)
  @ApiOperation({
    summary: 'ID-porten tokens',
    description:
      'Form-encoded: the code flow’s authorization_code grant (PKCE, client authentication as registered). JSON (development shortcut, admin token when one is set): an access token for a person, with `claims` added or overridden (never `iss` or `exp`) and `expires_in` (0 or negative: expired).',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          required: ['grant_type', 'code', 'redirect_uri', 'code_verifier'],
          properties: {
            grant_type: { type: 'string', example: AUTHORIZATION_CODE_GRANT_TYPE },
            code: { type: 'string' },
            redirect_uri: { type: 'string' },
            code_verifier: { type: 'string' },
            client_id: { type: 'string' },
            client_secret: { type: 'string' },
          },
        },
        { $ref: getSchemaPath(IdportenTokenDto) },
      ],
    },
  })
  @ApiResponse({ status: 200, description: '{access_token, token_type, expires_in, scope}, and id_token for the code flow' })
  async token(@Req() request: Request, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    let issued;
    if (request.is('application/json')) {
      this.admin.check(request);
      issued = await this.login.token(
        (await this.validation.transform(body, { type: 'body', metatype: IdportenTokenDto })) as IdportenTokenDto,
      );
    } else {
      if (body?.grant_type !== AUTHORIZATION_CODE_GRANT_TYPE)
        throw new OAuthError('unsupported_grant_type', `grant_type must be ${AUTHORIZATION_CODE_GRANT_TYPE}`);
      issued = await this.codeFlow.token(body, authorizationHeader(request));
    }
    setNoStore(response, TOKEN_NO_STORE);
    response.status(200).json(issued);
  }

  @Get(TEST_IDP_PATHS.authorize)
  @ApiOperation({ summary: 'Authorization endpoint of the code flow: the login page for the client’s request (PKCE S256 required)' })
  @ApiProduces('text/html')
  async authorizeForm(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    setNoStore(response);
    const authorization = await this.authorizationRequest(query, response);
    if (!authorization) return;
    this.allowFormRedirect(response, authorization);
    const form = loginForm({
      action: 'authorize',
      hidden: this.codeFlow.hiddenFields(authorization),
      clientName: authorization.client.clientName,
      values: { acr: authorization.acr },
      askAdminToken: this.admin.required,
    });
    response.status(200).type('html').send(form);
  }

  @Post(TEST_IDP_PATHS.authorize)
  @ApiOperation({ summary: 'The login form post of the code flow: redirects to the client with code, state and iss' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  async authorize(@Req() request: Request, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    setNoStore(response);
    const form = body ?? {};
    const authorization = await this.authorizationRequest(form, response);
    if (!authorization) return;
    this.allowFormRedirect(response, authorization);
    const again = (status: number, error: string): void => {
      const page = loginForm({
        action: 'authorize',
        error,
        hidden: this.codeFlow.hiddenFields(authorization),
        clientName: authorization.client.clientName,
        values: typedLoginValues(form),
        askAdminToken: this.admin.required,
      });
      response.status(status).type('html').send(page);
    };
    if (!this.admin.acceptsForm(request, form.admin_token)) return again(401, 'The test IdP admin token is missing or wrong.');
    const refusal = loginRefusal(typedLoginValues(form));
    if (refusal) return again(400, refusal);
    const { pid, acr, amr } = typedLoginValues(form) as Required<LoginValues>;
    try {
      response.redirect(303, this.codeFlow.authorize(authorization, { pid, acr, amr }));
    } catch (error) {
      if (!(error instanceof AuthorizationRedirectError)) throw error;
      response.redirect(303, errorResponseUrl(error, this.codeFlow.issuer));
    }
  }

  @Get(TEST_IDP_PATHS.endSession)
  @ApiOperation({
    summary:
      'End-session endpoint: id_token_hint, post_logout_redirect_uri (a registered redirect URI), state; calls the front-channel logout of this service',
  })
  @ApiProduces('text/html')
  async endSession(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    setNoStore(response);
    let ended;
    try {
      ended = await this.codeFlow.endSession(query);
    } catch (error) {
      if (!(error instanceof LogoutPageError)) throw error;
      response.status(400).type('html').send(errorPage(error.message));
      return;
    }
    // Front-channel logout of the service's own login (the one client whose logout URI it knows).
    if (ended.sid && ended.clientId !== undefined && ended.clientId === this.loginClient.clientId) {
      const url = new URL(this.loginClient.frontchannelLogoutUri);
      url.searchParams.set('iss', this.login.issuer);
      url.searchParams.set('sid', ended.sid);
      await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    }
    if (ended.redirect) response.redirect(303, ended.redirect);
    else response.status(200).type('html').send(errorPage('You are logged out of test ID-porten.'));
  }

  @Get(TEST_IDP_PATHS.userinfo)
  @ApiOperation({ summary: 'The person behind an access token of this issuer (Bearer)' })
  @NoStore()
  userinfo(@Req() request: Request) {
    return this.codeFlow.userinfo(authorizationHeader(request));
  }

  @Post(TEST_IDP_PATHS.userinfo)
  @HttpCode(200)
  @ApiOperation({ summary: 'The person behind an access token of this issuer (Bearer)' })
  @NoStore()
  userinfoPost(@Req() request: Request) {
    return this.codeFlow.userinfo(authorizationHeader(request));
  }

  @Post(TEST_IDP_PATHS.clients)
  @ApiOperation({
    summary: 'Register a relying party of the code flow: its redirect URIs and how it authenticates; the client_secret is shown once',
  })
  @UseGuards(TestIdpAdminGuard)
  registerClient(@Body() dto: RegisterOidcClientDto): Promise<OidcClientView> {
    return this.codeFlow.register(dto);
  }

  @Get(TEST_IDP_PATHS.clients)
  @UseGuards(TestIdpAdminGuard)
  listClients(): Promise<OidcClientView[]> {
    return this.codeFlow.listClients();
  }

  /** The checked request, or undefined when the answer (an error page or redirect) has been sent. */
  private async authorizationRequest(params: Record<string, unknown>, response: Response): Promise<AuthorizationRequest | undefined> {
    try {
      return await this.codeFlow.authorizationRequest(params);
    } catch (error) {
      if (error instanceof AuthorizationPageError) {
        response.status(400).type('html').send(errorPage(error.message));
        return undefined;
      }
      if (error instanceof AuthorizationRedirectError) {
        response.redirect(303, errorResponseUrl(error, this.codeFlow.issuer));
        return undefined;
      }
      throw error;
    }
  }
}
