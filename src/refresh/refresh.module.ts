import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RateLimitModule } from '../common/rate-limit.module';
import { KeysModule } from '../keys/keys.module';
import { RefreshController } from './refresh.controller';
import { TokenRefresh } from './token-refresh';

@Module({ imports: [RateLimitModule, KeysModule, AuditModule], controllers: [RefreshController], providers: [TokenRefresh] })
export class RefreshModule {}
