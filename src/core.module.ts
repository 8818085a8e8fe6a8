import { Global, Module } from '@nestjs/common';
import { Clock } from './common/clock';
import { ExchangeEvents } from './common/exchange-events';
import { PersonTokens } from './common/person-tokens';
import { ReadinessRegistry } from './common/readiness';
import { TokenGrants } from './common/token-grants';

/**
 * The services every capability shares, one instance each for the whole application: the clock,
 * the readiness registry the health probe reads, the exchange events audit and metrics subscribe to,
 * and the two registries through which the login and the exchange meet without importing each other
 * (the token endpoint's extra grants, the ID-porten exchange's person token).
 */
const SHARED = [Clock, ReadinessRegistry, ExchangeEvents, TokenGrants, PersonTokens];

@Global()
@Module({ providers: SHARED, exports: SHARED })
export class CoreModule {}
