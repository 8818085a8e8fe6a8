export { appConfig } from './app.config';
export { auditConfig } from './audit.config';
export { databaseConfig } from './database.config';
export { httpConfig } from './http.config';
export { issuersConfig } from './issuers.config';
export { keysConfig } from './keys.config';
export { maskinportenConfig } from './maskinporten.config';
export { organisationsConfig } from './organisations.config';
export { profilesConfig } from './profiles.config';
export { testIdpConfig } from './test-idp.config';
export { tokenConfig } from './token.config';
export { ConfigurationError } from './configuration-error';
export { parseEnvironment, readEnvironment } from './environment';

import { appConfig } from './app.config';
import { auditConfig } from './audit.config';
import { databaseConfig } from './database.config';
import { httpConfig } from './http.config';
import { issuersConfig } from './issuers.config';
import { keysConfig } from './keys.config';
import { maskinportenConfig } from './maskinporten.config';
import { organisationsConfig } from './organisations.config';
import { profilesConfig } from './profiles.config';
import { testIdpConfig } from './test-idp.config';
import { tokenConfig } from './token.config';

/** Every namespace, for ConfigModule to load. */
export const CONFIG_NAMESPACES = [
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
];
