import { Global, Injectable, Module } from '@nestjs/common';

export type ExchangeOutcome = 'issued' | 'refused' | 'failed';

/** One exchange attempt, as the audit trail and the metrics see it. Never a token or a pid. */
export interface ExchangeEvent {
  provider: string;
  outcome: ExchangeOutcome;
  reason?: string;
  clientId?: string;
  orgNumber?: string;
  userId?: number;
  issuedJti?: string;
}

type Listener = (event: ExchangeEvent) => void;

/**
 * Where every exchange outcome is announced once; the audit log and the metrics listen. Keeps the
 * places that decide an outcome free of both.
 */
@Injectable()
export class ExchangeEvents {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  publish(event: ExchangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

@Global()
@Module({ providers: [ExchangeEvents], exports: [ExchangeEvents] })
export class ExchangeEventsModule {}
