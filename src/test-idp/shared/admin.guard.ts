import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { authorizationHeader, SecretBearer } from '../../common/bearer-token';
import { testIdpConfig } from '../../config';

/** Provisioning and the token shortcuts need `Bearer TEST_IDP_ADMIN_TOKEN` when one is set; open on a laptop otherwise. */
@Injectable()
export class TestIdpAdminGuard implements CanActivate {
  private readonly admin: SecretBearer;
  /** Whether a token is asked for at all; the login form shows a field for it then. */
  readonly required: boolean;

  constructor(@Inject(testIdpConfig.KEY) config: ConfigType<typeof testIdpConfig>) {
    this.admin = new SecretBearer(config.adminToken);
    this.required = Boolean(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    this.check(context.switchToHttp().getRequest<Request>());
    return true;
  }

  /** For a route that needs the admin token for one kind of request only (the token shortcuts). */
  check(request: Request): void {
    this.admin.check(request, 'test IdP admin token', 'wrong_admin_token');
  }

  /** A browser's form post: the header when one is sent, else the form's `admin_token` field. */
  checkForm(request: Request, field: unknown): void {
    if (authorizationHeader(request) !== undefined) return this.check(request);
    this.admin.checkHeader(
      typeof field === 'string' && field.length > 0 ? `Bearer ${field}` : undefined,
      'test IdP admin token',
      'wrong_admin_token',
    );
  }

  /** checkForm as a yes or no, for a page that answers a refusal with the form again. */
  acceptsForm(request: Request, field: unknown): boolean {
    try {
      this.checkForm(request, field);
      return true;
    } catch {
      return false;
    }
  }
}
