/** What the ID-porten exchange needs of a person. */
export interface Profile {
  userId: number;
  userName: string;
  partyId: number;
  partyUuid: string;
}

/** Ids handed out to auto-provisioned people start here, clear of imported ranges below. */
export const USER_ID_SEQUENCE = 'user_id_seq';
export const PARTY_ID_SEQUENCE = 'party_id_seq';

/** The seed example's person, made valid, for development databases. */
export const DEVELOPMENT_PROFILE = {
  ssn: '19108000239',
  userId: 20000011,
  userName: '',
  partyId: 50002119,
  partyUuid: '8b2a6cf1-1d6e-4d4b-9f59-2c0a3c6f1a01',
  name: 'Test Testesen',
} as const;

/** An ssn as logs and CLIs may show it: the birth date, the rest masked. */
export function maskSsn(ssn: string): string {
  return `${ssn.slice(0, 6)}*****`;
}
