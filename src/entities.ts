import { AuthenticationEvent } from './audit/authentication-event.entity';
import { SigningKey } from './keys/signing-key.entity';
import { OrganisationSync } from './organisations/organisation-sync.entity';
import { Organisation } from './organisations/organisation.entity';
import { Party } from './profiles/party.entity';
import { User } from './profiles/user.entity';
import { TEST_IDP_ENTITIES } from './test-idp/test-idp.entities';

/**
 * Every table the service owns, listed here at the composition root so that database/ knows no
 * capability: the app, ormconfig.ts, the CLIs and the bench hand it to the data source. The
 * migrations create exactly these (the test IdP's too, unused in production).
 */
export const ENTITIES = [SigningKey, Organisation, OrganisationSync, AuthenticationEvent, Party, User, ...TEST_IDP_ENTITIES];
