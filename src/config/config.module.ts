import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import {
  appConfig,
  auditConfig,
  databaseConfig,
  httpConfig,
  issuersConfig,
  keysConfig,
  maskinportenConfig,
  organisationsConfig,
  profilesConfig,
  testIdpConfig,
  tokenConfig,
} from '.';

/** Hands out the typed namespaces; each validates the environment (main.ts did so first). */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      cache: true,
      load: [
        appConfig,
        auditConfig,
        databaseConfig,
        httpConfig,
        issuersConfig,
        keysConfig,
        maskinportenConfig,
        organisationsConfig,
        profilesConfig,
        testIdpConfig,
        tokenConfig,
      ],
    }),
  ],
})
export class AppConfigModule {}
