/** How many digits a Norwegian national identity number (fødselsnummer or D-number) has. */
export const PID_DIGITS = 11;

/**
 * A national identity number: ID-porten's `pid`, a profile's `ssn`. Only the form is checked
 * here; the upstream issuer vouches for the number itself.
 */
export const PID = new RegExp(`^\\d{${PID_DIGITS}}$`);

export function isPid(value: unknown): value is string {
  return typeof value === 'string' && PID.test(value);
}

/** A UUID in its canonical text form (RFC 9562 §4), of any version: system user ids, party UUIDs, client ids. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
