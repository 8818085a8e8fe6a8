import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UnknownProviderError } from '../common/errors';
import { ApiProblems } from '../common/openapi';
import { EXCHANGE_PATH, EXCHANGE_PROVIDERS } from '../common/routes';

/** `/exchange/<anything else>`: a clear 400 naming the providers we do exchange. */
@ApiTags('exchange')
@Controller(EXCHANGE_PATH)
export class UnknownProviderController {
  @Get(':provider')
  @ApiOperation({ summary: 'Any other provider: refused' })
  @ApiParam({ name: 'provider', type: String })
  @ApiProblems(400)
  unknown(): never {
    throw new UnknownProviderError(Object.values(EXCHANGE_PROVIDERS));
  }
}
