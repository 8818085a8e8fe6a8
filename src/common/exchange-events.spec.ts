import { describe, it } from 'node:test';
import { expect } from 'expect';
import { BadRequestError, InvalidTokenError, ServiceUnavailableError } from './errors';
import { ExchangeEvent, ExchangeEvents } from './exchange-events';

function recorder(): { events: ExchangeEvents; seen: ExchangeEvent[] } {
  const events = new ExchangeEvents();
  const seen: ExchangeEvent[] = [];
  events.subscribe((event) => seen.push(event));
  return { events, seen };
}

describe('exchange outcome events', () => {
  it('announces an issued token with what the exchange knew, to every subscriber', () => {
    const { events, seen } = recorder();
    const second: ExchangeEvent[] = [];
    events.subscribe((event) => second.push(event));
    events.issued('maskinporten', { clientId: 'c1', orgNumber: '974760673', issuedJti: 'j1' });
    expect(seen).toEqual([{ provider: 'maskinporten', outcome: 'issued', clientId: 'c1', orgNumber: '974760673', issuedJti: 'j1' }]);
    expect(second).toEqual(seen);
  });

  it('calls a client error refused, with the error’s reason, and keeps the error for loggers', () => {
    const { events, seen } = recorder();
    const expired = new InvalidTokenError('the token has expired', 'expired');
    events.notIssued('idporten', expired, { userId: 7 });
    events.notIssued('maskinporten', new BadRequestError('the test parameter must be true or false'));
    expect(seen).toEqual([
      { provider: 'idporten', outcome: 'refused', reason: 'expired', userId: 7, error: expired },
      { provider: 'maskinporten', outcome: 'refused', reason: 'bad-request', error: expect.any(BadRequestError) },
    ]);
  });

  it('calls a dependency’s outage failed with its reason, and anything unnamed an internal error', () => {
    const { events, seen } = recorder();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    events.notIssued(
      'idporten',
      new ServiceUnavailableError('the database is not reachable; retry shortly', 'database_unavailable', 5, refused),
    );
    events.notIssued('refresh', new TypeError('x is undefined'));
    expect(seen.map(({ outcome, reason }) => ({ outcome, reason }))).toEqual([
      { outcome: 'failed', reason: 'database_unavailable' },
      { outcome: 'failed', reason: 'internal_error' },
    ]);
    expect((seen[0].error as Error).cause).toBe(refused);
  });
});
