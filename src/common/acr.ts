/**
 * ID-porten `acr` values and the platform's authentication level each stands for: what the
 * exchange accepts, and what the test IdP offers and issues. The old `LevelN` names and the
 * `idporten-loa-*` names are both in use.
 */
export const ACR_LEVELS: Readonly<Record<string, number>> = {
  Level0: 0,
  'idporten-loa-low': 0,
  Level3: 3,
  'idporten-loa-substantial': 3,
  Level4: 4,
  'idporten-loa-high': 4,
};

export const ACR_VALUES: readonly string[] = Object.keys(ACR_LEVELS);

export function isAcr(value: unknown): value is string {
  return typeof value === 'string' && Object.hasOwn(ACR_LEVELS, value);
}

/** The platform level of an acr value, or undefined for one we do not know. */
export function authLevelOf(acr: unknown): number | undefined {
  return isAcr(acr) ? ACR_LEVELS[acr] : undefined;
}
