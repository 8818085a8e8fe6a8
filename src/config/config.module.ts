import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CONFIG_NAMESPACES } from '.';

/** Hands out the typed namespaces; each validates the environment (main.ts did so first). */
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, load: CONFIG_NAMESPACES })],
})
export class AppConfigModule {}
