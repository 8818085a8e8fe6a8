import { Module } from '@nestjs/common';
import { RateLimitModule } from '../common/rate-limit.module';
import { KeysModule } from '../keys/keys.module';
import { RefreshController } from './refresh.controller';
import { TokenRefresh } from './token-refresh';

@Module({ imports: [RateLimitModule, KeysModule], controllers: [RefreshController], providers: [TokenRefresh] })
export class RefreshModule {}
