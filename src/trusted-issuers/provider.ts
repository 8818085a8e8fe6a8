/** The upstream identity providers whose tokens we exchange. */
export const PROVIDERS = ['maskinporten', 'idporten'] as const;
export type Provider = (typeof PROVIDERS)[number];
