import { Module } from '@nestjs/common';
import { UnknownProviderController } from './unknown-provider.controller';

/** What both exchanges share: the answer for an unknown provider. Response rendering is a plain function. */
@Module({ controllers: [UnknownProviderController] })
export class ExchangeModule {}
