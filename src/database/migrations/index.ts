import { SigningKeys1795654461912 } from './1795654461912-SigningKeys';
import { OrganisationsAndAudit1795655237758 } from './1795655237758-OrganisationsAndAudit';
import { Profiles1795655424349 } from './1795655424349-Profiles';
import { OrganisationSync1796318470265 } from './1796318470265-OrganisationSync';
import { SystemUsersAndSuppliers1796342574615 } from './1796342574615-SystemUsersAndSuppliers';
import { RefreshAuditParent1796402817395 } from './1796402817395-RefreshAuditParent';
import { RevokedSigningKeys1796402817641 } from './1796402817641-RevokedSigningKeys';
import { Login1796500000000 } from './1796500000000-Login';

/** The service's own, in order; each runs in its own transaction. The test IdP's are in test-idp/migrations/. */
export const MIGRATIONS = [
  SigningKeys1795654461912,
  OrganisationsAndAudit1795655237758,
  Profiles1795655424349,
  OrganisationSync1796318470265,
  SystemUsersAndSuppliers1796342574615,
  RefreshAuditParent1796402817395,
  RevokedSigningKeys1796402817641,
  Login1796500000000,
];
