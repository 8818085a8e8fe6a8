import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

export const testIdpConfig = registerAs('testIdp', () => {
  const env = readEnvironment();
  return {
    enabled: env.TEST_IDP_ENABLED ?? env.NODE_ENV !== 'production',
    adminToken: env.TEST_IDP_ADMIN_TOKEN,
    /** Where this process serves the stand-in issuers; used as their `iss`. */
    baseUrl: `http://localhost:${env.PORT}/test-idp`,
  };
});
