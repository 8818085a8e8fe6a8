import { Module } from '@nestjs/common';
import { BearerTokenGuard } from './bearer-token.guard';
import { TokenVerifier } from './token-verifier';

@Module({
  providers: [TokenVerifier, BearerTokenGuard],
  exports: [TokenVerifier, BearerTokenGuard],
})
export class TrustedIssuersModule {}
