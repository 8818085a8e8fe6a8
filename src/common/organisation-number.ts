/** Norwegian organisation numbers and their ISO 6523 form, as Maskinporten writes them. */
export const ISO6523_AUTHORITY = 'iso6523-actorid-upis';
export const NORWEGIAN_ORG_NUMBER_SCHEME = '0192';

/** An organisation in ISO 6523 form: `{"authority": "iso6523-actorid-upis", "ID": "0192:<orgno>"}`. */
export interface Iso6523Organisation {
  authority: typeof ISO6523_AUTHORITY;
  ID: string;
}

const NINE_DIGITS = /^\d{9}$/;
/** Passes the check-digit rule, but is no organisation's number (and reads as orgNumber 0). */
const ALL_ZEROS = /^0+$/;
const ISO6523_ID = new RegExp(`^${NORWEGIAN_ORG_NUMBER_SCHEME}:(\\d{9})$`);
const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];

/**
 * True for 9 digits whose last is the modulus 11 check digit of the first 8 (weights 3 2 7 6 5 4 3 2,
 * check = 11 − sum mod 11, 11 → 0, 10 → no valid number), as the Brønnøysund register assigns them.
 */
export function isValidOrgNumber(value: string): boolean {
  if (!NINE_DIGITS.test(value) || ALL_ZEROS.test(value)) return false;
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * Number(value[index]), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(value[8]);
}

/** The organisation number of an ISO 6523 `ID` (`0192:` + 9 digits, not all zeros), or undefined for another shape. */
export function orgNumberOfIso6523Id(id: unknown): string | undefined {
  const orgNumber = typeof id === 'string' ? ISO6523_ID.exec(id)?.[1] : undefined;
  return orgNumber === undefined || ALL_ZEROS.test(orgNumber) ? undefined : orgNumber;
}

export function iso6523(orgNumber: string): Iso6523Organisation {
  return { authority: ISO6523_AUTHORITY, ID: `${NORWEGIAN_ORG_NUMBER_SCHEME}:${orgNumber}` };
}
