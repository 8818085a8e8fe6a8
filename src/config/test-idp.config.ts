import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

/** Whether the local stand-in issuers are served: on by default outside production, never in it. */
export function testIdpEnabled(): boolean {
  const env = readEnvironment();
  return env.TEST_IDP_ENABLED ?? env.NODE_ENV !== 'production';
}

export const testIdpConfig = registerAs('testIdp', () => {
  const env = readEnvironment();
  return {
    adminToken: env.TEST_IDP_ADMIN_TOKEN,
    /** Where this process serves the stand-in issuers; used as their `iss`. */
    baseUrl: `http://127.0.0.1:${env.PORT}/test-idp`,
  };
});
