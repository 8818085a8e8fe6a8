import { Logger, Module } from '@nestjs/common';
import { AnnouncementsModule } from '../announcements/announcements.module';
import type { ConfigType } from '@nestjs/config';
import { keysConfig } from '../config';
import { KeyEncryption, resolveEncryptionSecret } from './key-encryption';
import { KeyRing } from './key-ring';
import { OwnTokenVerifier } from './own-token-verifier';
import { SigningKeyRepository } from './signing-key.repository';
import { TokenSigner } from './token-signer';

@Module({
  imports: [AnnouncementsModule],
  providers: [
    {
      provide: KeyEncryption,
      inject: [keysConfig.KEY],
      useFactory: (config: ConfigType<typeof keysConfig>) =>
        new KeyEncryption(
          resolveEncryptionSecret(config, (path) =>
            new Logger('Keys').warn(`KEY_ENCRYPTION_KEY is not set: generated one into ${path}; set it explicitly in production`),
          ),
        ),
    },
    SigningKeyRepository,
    KeyRing,
    TokenSigner,
    OwnTokenVerifier,
  ],
  exports: [KeyRing, SigningKeyRepository, TokenSigner, KeyEncryption, OwnTokenVerifier],
})
export class KeysModule {}
