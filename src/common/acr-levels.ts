/** ID-porten `acr` values and the platform's authentication levels: the one table (exchange and login read it). */
export const ACR_LEVELS: Readonly<Record<string, number>> = {
  Level0: 0,
  'idporten-loa-low': 0,
  Level3: 3,
  'idporten-loa-substantial': 3,
  Level4: 4,
  'idporten-loa-high': 4,
};

/** The platform level of an acr value, or undefined for one we do not know. */
export function authLevelOf(acr: unknown): number | undefined {
  return typeof acr === 'string' && Object.hasOwn(ACR_LEVELS, acr) ? ACR_LEVELS[acr] : undefined;
}
