import type { MigrationSet } from '../../database/open-data-source';
import { TestIdp1795655943315 } from './1795655943315-TestIdp';
import { TestIdpOidcClients1796331874615 } from './1796331874615-TestIdpOidcClients';
import { TestIdpSystems1796342574615 } from './1796342574615-TestIdpSystems';

/**
 * The test IdP's tables: migrated only where it is enabled, recorded in their own table, so that a
 * production database never holds a test_idp table.
 */
export const TEST_IDP_MIGRATIONS: MigrationSet = {
  table: 'test_idp_migrations',
  migrations: [TestIdp1795655943315, TestIdpOidcClients1796331874615, TestIdpSystems1796342574615],
};
