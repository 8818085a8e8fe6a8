import { AuthenticationEvent } from './audit/authentication-event.entity';
import type { Entities } from './database/data-source-options';
import type { MigrationSet } from './database/open-data-source';
import { SigningKey } from './keys/signing-key.entity';
import { OrganisationSync } from './organisations/organisation-sync.entity';
import { Organisation } from './organisations/organisation.entity';
import { Party } from './profiles/party.entity';
import { User } from './profiles/user.entity';
import { TEST_IDP_ENTITIES } from './test-idp/shared/test-idp.entities';
import { TEST_IDP_MIGRATIONS } from './test-idp/migrations';

/**
 * Every table the service owns, listed here at the composition root so that database/ knows no
 * capability: the app, ormconfig.ts, the CLIs and the bench hand it to the data source. The
 * service's migrations (database/migrations/) create exactly these.
 */
export const ENTITIES = [SigningKey, Organisation, OrganisationSync, AuthenticationEvent, Party, User];

/** What the data source maps and migrates: the test IdP's tables, with their own migration set, only when it is enabled. */
export function databaseSchema(testIdpEnabled: boolean): { entities: Entities; migrationSets: MigrationSet[] } {
  return testIdpEnabled
    ? { entities: [...ENTITIES, ...TEST_IDP_ENTITIES], migrationSets: [TEST_IDP_MIGRATIONS] }
    : { entities: ENTITIES, migrationSets: [] };
}
