import { DynamicModule, Module, Provider } from '@nestjs/common';
import type { Settings } from './settings';
import { SETTINGS_SLICES } from './slices';

/** The whole settings object, for the few providers that need more than their slice. */
export const SETTINGS = Symbol('SETTINGS');

/** Hands out the settings the entry point derived: the whole object under SETTINGS and each slice under its KEY. */
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    const providers: Provider[] = [{ provide: SETTINGS, useValue: settings }, ...SETTINGS_SLICES.map((slice) => ({ provide: slice.KEY, useValue: slice(settings) }))];
    return { module: SettingsModule, global: true, providers, exports: providers.map((p) => (p as { provide: string | symbol }).provide) };
  }
}
