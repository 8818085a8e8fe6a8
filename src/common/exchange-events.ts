import { Injectable } from '@nestjs/common';
import { DomainError } from './errors';
import { tracingImplementation } from './tracing';

/** `active`/`inactive`: an introspection's answer. */
export type ExchangeOutcome = 'issued' | 'refused' | 'failed' | 'active' | 'inactive';

/** The `provider` of introspection events (outcome active, inactive or refused); metrics count them apart. */
export const INTROSPECTION = 'introspection';

/** What the exchange knew about who asked and what it issued. Never a token or a pid. Add fields here. */
export interface ExchangeSubject {
  /** Maskinporten: the client's id, and the consumer organisation's number. */
  clientId?: string;
  orgNumber?: string;
  /** ID-porten: the person's user id. */
  userId?: number;
  /** A system user's exchange: the (first) system user id of its authorization_details. */
  systemUserId?: string;
  /** A supplier-delegated exchange: the supplier's organisation number. */
  supplierOrgNumber?: string;
  /** The jti of the token we issued. */
  issuedJti?: string;
  /** A refresh: the jti of the token it replaced, which links the new token to its chain. */
  replacedJti?: string;
  /** Login, logout, code redemption, refresh_token grant: the session (login/). */
  sessionId?: string;
}

/** One exchange attempt (Maskinporten, ID-porten or a refresh), as audit, metrics and logs see it. */
export interface ExchangeEvent extends ExchangeSubject {
  provider: string;
  outcome: ExchangeOutcome;
  /** Machine-readable, for a refusal or failure: `expired`, `unknown_person`, `database_unavailable`. */
  reason?: string;
  /** The error behind a refusal or failure, for a subscriber that logs it (its `cause` included); never stored. */
  error?: unknown;
}

/** A listener may return a promise for an issued token: the token leaves once it settles (the audit row). */
type Listener = (event: ExchangeEvent) => unknown;

/**
 * Where every exchange outcome is announced once, by the code that decided it (the bearer guard,
 * the exchanges, the refresh); the audit log and the metrics subscribe, so the deciders know neither.
 * Listeners run synchronously, inside the request's context, and must not throw. One may hand back
 * a promise that never rejects, which `issued` returns: the audit log's "this row is written".
 */
@Injectable()
export class ExchangeEvents {
  private readonly listeners: Listener[] = [];

  constructor() {
    // With tracing on, the outcome sets the request's server span status (listeners run in its context).
    const tracing = tracingImplementation();
    if (tracing) this.subscribe((event) => tracing.exchangeOutcome(event));
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  publish(event: ExchangeEvent): void {
    void this.emit(event);
  }

  /** Every listener, in order; what the ones that return a promise are still doing. */
  private emit(event: ExchangeEvent): Promise<void> | undefined {
    let pending: Promise<unknown>[] | undefined;
    for (const listener of this.listeners) {
      const result = listener(event);
      if (result instanceof Promise) (pending ??= []).push(result);
    }
    return pending && Promise.all(pending).then(() => undefined);
  }

  /** A token was issued: await the result before the token leaves, so that its audit row is written first. */
  async issued(provider: string, subject: ExchangeSubject & { issuedJti: string }): Promise<void> {
    await this.emit({ ...subject, provider, outcome: 'issued' });
  }

  /** The exchange ended with `error`: refused when it is the client's (4xx), failed otherwise. */
  notIssued(provider: string, error: unknown, subject: ExchangeSubject = {}): void {
    const domain = error instanceof DomainError ? error : undefined;
    this.publish({
      ...subject,
      provider,
      outcome: domain && domain.status < 500 ? 'refused' : 'failed',
      reason: domain ? domain.reason : 'internal_error',
      error,
    });
  }
}
