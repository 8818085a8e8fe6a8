import { SigningKey } from '../keys/signing-key.entity';

/** Every table the service owns; the migrations create exactly these. */
export const ENTITIES = [SigningKey];
