import { Global, Module } from '@nestjs/common';
import { Clock } from './common/clock';
import { ExchangeEvents } from './common/exchange-events';
import { ReadinessRegistry } from './common/readiness';

/**
 * The services every capability shares, one instance each for the whole application: the clock,
 * the readiness registry the health probe reads, and the exchange events audit and metrics subscribe to.
 */
const SHARED = [Clock, ReadinessRegistry, ExchangeEvents];

@Global()
@Module({ providers: SHARED, exports: SHARED })
export class CoreModule {}
