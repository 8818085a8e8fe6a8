import { Module } from '@nestjs/common';
import { UnknownProviderController } from './unknown-provider.controller';

/** `/exchange/:provider`: imported after the providers' modules, so that their routes match first. */
@Module({ controllers: [UnknownProviderController] })
export class UnknownProviderModule {}
