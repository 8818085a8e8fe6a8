import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { bearerToken } from '../common/bearer-token';
import { ExchangeEvents } from '../common/exchange-events';
import type { Provider } from './provider';
import { TokenVerifier, VerifiedToken } from './token-verifier';

const PROVIDER = Symbol('trusted-provider');

/** Marks a handler as taking a bearer token of this provider; BearerTokenGuard verifies it. */
export const AcceptTokensFrom = (provider: Provider) => SetMetadata(PROVIDER, provider);

export type VerifiedRequest = Request & { verifiedToken: VerifiedToken };

/**
 * Reads and verifies the bearer token for the handler's provider and puts the verified payload on
 * the request. A refusal is decided, and so announced, here: the controller never runs for it.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly events: ExchangeEvents,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const provider = this.reflector.get<Provider | undefined>(PROVIDER, context.getHandler());
    if (!provider) throw new Error('BearerTokenGuard needs @AcceptTokensFrom on the handler');
    const request = context.switchToHttp().getRequest<VerifiedRequest>();
    try {
      request.verifiedToken = await this.verifier.verify(bearerToken(request), provider);
      return true;
    } catch (error) {
      this.events.notIssued(provider, error);
      throw error;
    }
  }
}
