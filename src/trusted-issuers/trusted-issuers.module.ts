import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { BearerTokenGuard } from './bearer-token.guard';
import { TokenVerifier } from './token-verifier';

@Module({
  imports: [AuditModule],
  providers: [TokenVerifier, BearerTokenGuard],
  exports: [TokenVerifier, BearerTokenGuard],
})
export class TrustedIssuersModule {}
