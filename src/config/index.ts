export { ConfigurationError } from './configuration-error';
export { startUpRefusal } from './start-up-refusal';
export { Environment, parseEnvironment, readEnvironment } from './environment';
export { deriveSettings } from './settings';
export type { Settings } from './settings';
export { SettingsModule } from './settings.module';
export * from './slices';
export { localOrigin } from './local-url';
