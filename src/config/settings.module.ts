import { DynamicModule, Module } from '@nestjs/common';
import type { Settings } from './settings';
import { SETTINGS_SLICES } from './slices';

/** Hands out the settings the entry point derived: each capability's slice under its KEY. */
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    const providers = SETTINGS_SLICES.map((slice) => ({ provide: slice.KEY, useValue: slice(settings) }));
    return { module: SettingsModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }
}
