import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

export const maskinportenConfig = registerAs('maskinporten', () => {
  const env = readEnvironment();
  return {
    orgClaimScope: env.MASKINPORTEN_ORG_CLAIM_SCOPE,
    allowTestOrgMapping: env.NODE_ENV !== 'production' || env.ALLOW_TEST_ORG_MAPPING,
  };
});
