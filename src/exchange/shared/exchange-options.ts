import type { SignedToken } from '../../keys/token-signer';
import type { VerifiedToken } from '../../trusted-issuers/token-verifier';

/** What a client may ask of any exchange besides the token itself. */
export interface ExchangeOptions {
  /** Requested audiences (`?audience=`, or `audience`/`resource` on POST /token); checked by TokenAudiences. */
  audience?: readonly string[];
}

/** One provider's exchange: a verified upstream token in, our signed token out, its outcome announced. */
export interface ProviderExchange {
  exchange(verified: VerifiedToken, options?: ExchangeOptions): Promise<SignedToken>;
}
