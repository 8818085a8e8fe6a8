import { AuthenticationEvent } from '../audit/authentication-event.entity';
import { SigningKey } from '../keys/signing-key.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Party } from '../profiles/party.entity';
import { User } from '../profiles/user.entity';

/** Every table the service owns; the migrations create exactly these. */
export const ENTITIES = [SigningKey, Organisation, AuthenticationEvent, Party, User];
