import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { SecretBearer } from '../common/bearer-token';
import { NotFoundError } from '../common/errors';
import { ExchangeEvents, INTROSPECTION } from '../common/exchange-events';
import { introspectionConfig } from '../config';

/** Lets through callers presenting one of INTROSPECTION_TOKENS as a Bearer secret; announces the refusal of the others. */
@Injectable()
export class IntrospectionCallerGuard implements CanActivate {
  private readonly callers: SecretBearer;
  private readonly enabled: boolean;

  constructor(
    private readonly events: ExchangeEvents,
    @Inject(introspectionConfig.KEY) config: ConfigType<typeof introspectionConfig>,
  ) {
    this.callers = new SecretBearer(config.callerSecrets);
    this.enabled = config.enabled && config.callerSecrets.length > 0;
  }

  canActivate(context: ExecutionContext): boolean {
    // The module is only loaded with secrets; without them nothing may pass, whatever loads it.
    if (!this.enabled) throw new NotFoundError('no resource at this path');
    const request = context.switchToHttp().getRequest<Request>();
    try {
      this.callers.check(request, 'introspection secret', 'wrong_introspection_secret');
      return true;
    } catch (error) {
      this.events.notIssued(INTROSPECTION, error);
      throw error;
    }
  }
}
