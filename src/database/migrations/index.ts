import { SigningKeys1795654461912 } from './1795654461912-SigningKeys';

/** In order; each runs in its own transaction. */
export const MIGRATIONS = [SigningKeys1795654461912];
