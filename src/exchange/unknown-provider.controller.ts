import { Controller, Get } from '@nestjs/common';
import { UnknownProviderError } from '../common/errors';
import { EXCHANGE_PATH } from '../discovery/discovery-document';
import { PROVIDER_PATHS } from '../trusted-issuers/provider';

/** `/exchange/<anything else>`: a clear 400 naming the providers we do exchange. */
@Controller(EXCHANGE_PATH)
export class UnknownProviderController {
  @Get(':provider')
  unknown(): never {
    throw new UnknownProviderError(Object.values(PROVIDER_PATHS));
  }
}
