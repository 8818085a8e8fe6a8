import { Injectable } from '@nestjs/common';
import type { Provider } from '../trusted-issuers/provider';
import type { ProviderExchange } from './exchange-options';

/**
 * Each provider's exchange, registered by the provider's own module, so that the standard token
 * endpoint can hand a verified token to the right one without knowing (or importing) any of them.
 */
@Injectable()
export class ProviderExchanges {
  private readonly exchanges = new Map<Provider, ProviderExchange>();

  register(provider: Provider, exchange: ProviderExchange): void {
    if (this.exchanges.has(provider)) throw new Error(`an exchange for ${provider} is registered already`);
    this.exchanges.set(provider, exchange);
  }

  of(provider: Provider): ProviderExchange {
    const exchange = this.exchanges.get(provider);
    if (!exchange) throw new Error(`no exchange is registered for ${provider}`);
    return exchange;
  }
}
