import { Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { keysConfig } from '../config';
import { KeyEncryption, resolveEncryptionSecret } from './key-encryption';
import { KeyRing } from './key-ring';
import { KeyStore } from './key-store';
import { OwnTokenVerifier } from './own-token-verifier';
import { TokenSigner } from './token-signer';

@Module({
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
    { provide: KeyStore, inject: [DataSource, KeyEncryption], useFactory: (ds: DataSource, e: KeyEncryption) => new KeyStore(ds, e) },
    KeyRing,
    TokenSigner,
    OwnTokenVerifier,
  ],
  exports: [KeyRing, TokenSigner, KeyEncryption, OwnTokenVerifier],
})
export class KeysModule {}

