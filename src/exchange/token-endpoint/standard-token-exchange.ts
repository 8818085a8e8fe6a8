import { Injectable } from '@nestjs/common';
import { ExchangeEvents } from '../../common/exchange-events';
import { currentRequestContext } from '../../common/request-context';
import { IdportenExchange } from '../idporten/idporten-exchange';
import { MaskinportenExchange } from '../maskinporten/maskinporten-exchange';
import type { ProviderExchange } from '../shared/exchange-options';
import type { SignedToken } from '../../keys/token-signer';
import type { Provider } from '../../trusted-issuers/provider';
import { TokenVerifier, type VerifiedToken } from '../../trusted-issuers/token-verifier';
import { readTokenExchangeRequest, type TokenRequestInput } from './token-exchange-request';

/** How audit and metrics name a request refused before its provider was known. */
const UNKNOWN_PROVIDER = 'unknown';

/**
 * POST /token: reads the RFC 8693 request, learns the provider from the subject token's issuer,
 * verifies the token as the GET exchange of that provider does, and hands it to that provider's
 * exchange (the same service the GET exchange calls), which maps the claims, signs, and announces
 * the outcome. Refusals before the hand-over are announced here, as BearerTokenGuard does for the
 * GET exchanges.
 */
@Injectable()
export class StandardTokenExchange {
  /** Every provider's exchange: a provider without one does not compile. */
  private readonly exchanges: Record<Provider, ProviderExchange>;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly events: ExchangeEvents,
    maskinporten: MaskinportenExchange,
    idporten: IdportenExchange,
  ) {
    this.exchanges = { maskinporten, idporten };
  }

  async exchange(input: TokenRequestInput): Promise<{ signed: SignedToken; issuedTokenType: string }> {
    let verified: VerifiedToken;
    let request: ReturnType<typeof readTokenExchangeRequest>;
    let provider: Provider | undefined;
    try {
      request = readTokenExchangeRequest(input);
      provider = await this.verifier.providerOf(request.subjectToken);
      // The timing metric's label: what the request turned out to be.
      const context = currentRequestContext();
      if (context) context.provider = provider;
      verified = await this.verifier.verify(request.subjectToken, provider);
    } catch (error) {
      this.events.notIssued(provider ?? UNKNOWN_PROVIDER, error);
      throw error;
    }
    const signed = await this.exchanges[verified.provider].exchange(verified, { audience: request.audience });
    return { signed, issuedTokenType: request.issuedTokenType };
  }
}
