import { SigningKeys1795654461912 } from './1795654461912-SigningKeys';
import { OrganisationsAndAudit1795655237758 } from './1795655237758-OrganisationsAndAudit';

/** In order; each runs in its own transaction. */
export const MIGRATIONS = [SigningKeys1795654461912, OrganisationsAndAudit1795655237758];
