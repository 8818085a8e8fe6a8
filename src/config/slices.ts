import type { Settings } from './settings';

/**
 * One capability's slice of the settings: `@Inject(tokenConfig.KEY) config: ConfigType<typeof tokenConfig>`
 * in a provider, `tokenConfig(settings)` outside Nest.
 */
export interface SettingsSlice<K extends keyof Settings> {
  (settings: Settings): Settings[K];
  readonly KEY: string;
}

function slice<K extends keyof Settings>(name: K): SettingsSlice<K> {
  return Object.assign((settings: Settings) => settings[name], { KEY: `CONFIGURATION(${name})` });
}

export const appConfig = slice('app');
export const auditConfig = slice('audit');
export const databaseConfig = slice('database');
export const httpConfig = slice('http');
export const issuersConfig = slice('issuers');
export const keysConfig = slice('keys');
export const maskinportenConfig = slice('maskinporten');
export const organisationsConfig = slice('organisations');
export const profilesConfig = slice('profiles');
export const testIdpConfig = slice('testIdp');
export const tokenConfig = slice('token');
export const introspectionConfig = slice('introspection');
export const loginConfig = slice('login');

/** Every slice a module injects, each provided under its KEY by SettingsModule (main.ts reads `server` itself). */
export const SETTINGS_SLICES: SettingsSlice<keyof Settings>[] = [
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
  introspectionConfig,
  loginConfig,
];
