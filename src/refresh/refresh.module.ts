import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { ExchangeSharedModule } from '../exchange/shared/exchange-shared.module';
import { KeysModule } from '../keys/keys.module';
import { RefreshController } from './refresh.controller';
import { TokenRefresh } from './token-refresh';

@Module({ imports: [RateLimitModule, KeysModule, ExchangeSharedModule], controllers: [RefreshController], providers: [TokenRefresh] })
export class RefreshModule {}
