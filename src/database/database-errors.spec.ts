import { describe, it } from 'node:test';
import { expect } from 'expect';
import { QueryFailedError } from 'typeorm';
import { ServiceUnavailableError } from '../common/errors';
import { asServiceUnavailable, isDatabaseUnavailable } from './database-errors';

describe('database outage detection', () => {
  it('recognises refused, dropped and timed-out connections, and an operator shutdown', () => {
    const outages = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      new QueryFailedError(
        'SELECT 1',
        [],
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
      Object.assign(new Error('x'), { code: '08006' }),
    ];
    for (const error of outages) expect([error.message, isDatabaseUnavailable(error)]).toEqual([error.message, true]);
  });

  it('does not mistake a wrong query or a constraint for an outage', () => {
    const unique = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    );
    expect(isDatabaseUnavailable(unique)).toBe(false);
    expect(isDatabaseUnavailable(new Error('syntax error at or near "x"'))).toBe(false);
    expect(() => asServiceUnavailable(unique)).toThrow(QueryFailedError);
    expect(() => asServiceUnavailable(new Error('Connection terminated'))).toThrow(ServiceUnavailableError);
  });

  it('keeps the driver error as the cause of the 503 it throws', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    let thrown: unknown;
    try {
      asServiceUnavailable(refused);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServiceUnavailableError);
    expect(thrown).toMatchObject({ status: 503, reason: 'database_unavailable', cause: refused });
  });
});
