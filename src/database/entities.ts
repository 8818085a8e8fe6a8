import { AuthenticationEvent } from '../audit/authentication-event.entity';
import { SigningKey } from '../keys/signing-key.entity';
import { Organisation } from '../organisations/organisation.entity';

/** Every table the service owns; the migrations create exactly these. */
export const ENTITIES = [SigningKey, Organisation, AuthenticationEvent];
