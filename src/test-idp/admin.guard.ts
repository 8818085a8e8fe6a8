import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { InvalidRequestError, InvalidTokenError } from '../common/errors';
import { testIdpConfig } from '../config';

/** Provisioning needs `Bearer TEST_IDP_ADMIN_TOKEN` when one is set; open on a laptop otherwise. */
@Injectable()
export class TestIdpAdminGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(testIdpConfig.KEY) config: ConfigType<typeof testIdpConfig>) {
    this.expected = config.adminToken ? Buffer.from(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization;
    const match = /^Bearer (\S+)$/i.exec(header ?? '');
    if (!match) throw new InvalidRequestError('the test IdP admin token is required', 'missing_token');
    const given = Buffer.from(match[1]);
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new InvalidTokenError('the test IdP admin token is wrong', 'wrong_admin_token');
    }
    return true;
  }
}
