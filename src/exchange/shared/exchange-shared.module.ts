import { Module } from '@nestjs/common';
import { TokenAudiences } from './token-audiences';

/** What every exchange (and the refresh) shares: the audience allow-list. */
@Module({ providers: [TokenAudiences], exports: [TokenAudiences] })
export class ExchangeSharedModule {}
