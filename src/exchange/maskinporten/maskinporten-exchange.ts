import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { BadRequestError } from '../../common/errors';
import { ExchangeEvents, ExchangeSubject } from '../../common/exchange-events';
import { maskinportenConfig } from '../../config';
import type { ExchangeOptions, ProviderExchange } from '../shared/exchange-options';
import { TokenAudiences } from '../shared/token-audiences';
import { SignedToken, TokenSigner } from '../../keys/token-signer';
import { OrganisationRegistry } from '../../organisations/organisation-registry';
import type { VerifiedToken } from '../../trusted-issuers/token-verifier';
import { platformClaims, readMaskinportenClaims, scopeAllowsOrgClaim, TEST_ORG, TEST_SOURCE_ORG } from './claims';

/** Parses `?test=`: absent, true or false. */
function parseTestFlag(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new BadRequestError('the test parameter must be true or false');
}

/** Turns a verified Maskinporten token into ours: consumer → orgNumber, org code from the registry. */
@Injectable()
export class MaskinportenExchange implements ProviderExchange {
  constructor(
    private readonly organisations: OrganisationRegistry,
    private readonly signer: TokenSigner,
    private readonly audiences: TokenAudiences,
    private readonly events: ExchangeEvents,
    @Inject(maskinportenConfig.KEY) private readonly config: ConfigType<typeof maskinportenConfig>,
  ) {}

  /** `test` is the GET exchange's `?test=` (digdir → ttd), unknown to the standard token endpoint. */
  async exchange(verified: VerifiedToken, options: ExchangeOptions & { test?: unknown } = {}): Promise<SignedToken> {
    let subject: ExchangeSubject = {};
    try {
      const test = parseTestFlag(options.test);
      if (test && !this.config.allowTestOrgMapping) throw new BadRequestError('the test organisation mapping is not enabled here');
      const claims = readMaskinportenClaims(verified.payload);
      subject = {
        clientId: claims.clientId,
        orgNumber: claims.orgNumber,
        systemUserId: claims.systemUser?.systemuser_id[0],
        supplierOrgNumber: claims.supplierOrgNumber,
      };
      let orgCode = this.organisations.byOrgNumber(claims.orgNumber)?.orgCode;
      if (orgCode !== undefined && !scopeAllowsOrgClaim(claims.scope, this.config.orgClaimScope)) orgCode = undefined;
      if (test && orgCode === TEST_SOURCE_ORG) orgCode = TEST_ORG;
      const audience = this.audiences.resolve(options.audience ?? []);
      const signed = await this.signer.sign(platformClaims(claims, orgCode), { audience });
      await this.events.issued('maskinporten', { ...subject, issuedJti: signed.jti });
      return signed;
    } catch (error) {
      this.events.notIssued('maskinporten', error, subject);
      throw error;
    }
  }
}
