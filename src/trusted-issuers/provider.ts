/** The upstream identity providers whose tokens we exchange. */
export const PROVIDERS = ['maskinporten', 'idporten'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** How each provider is named in exchange URLs (`/exchange/id-porten`). */
export const PROVIDER_PATHS: Record<Provider, string> = { maskinporten: 'maskinporten', idporten: 'id-porten' };
