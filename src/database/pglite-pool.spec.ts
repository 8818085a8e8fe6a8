import { describe, it } from 'node:test';
import { expect } from 'expect';
import { EmbeddedSession, PgResult, SessionDatabase, sessionPool } from './pglite-pool';

/** A database that records which statements it ran, in order, and whether it was closed. */
class RecordingDatabase implements SessionDatabase {
  readonly statements: string[] = [];
  closed = false;

  query(sql: string): Promise<PgResult> {
    this.statements.push(sql);
    return Promise.resolve({ rows: [], rowCount: 0 });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('embedded database session', () => {
  it('lends its one session to one holder at a time, across every pool TypeORM builds', async () => {
    const database = new RecordingDatabase();
    let opened = 0;
    const session = new EmbeddedSession(() => {
      opened += 1;
      return Promise.resolve(database);
    });
    const Pool = sessionPool(session);
    const [first, second] = [new Pool(), new Pool()];

    const [client, release] = await session.lease();
    await client.query('BEGIN');
    const other = second.query('INSERT outside the transaction');
    const third = first.connect() as Promise<unknown>;
    await tick();
    await client.query('COMMIT');
    expect(database.statements).toEqual(['BEGIN', 'COMMIT']);
    release();
    release();
    await other;
    await third;
    expect(database.statements).toEqual(['BEGIN', 'COMMIT', 'INSERT outside the transaction']);
    expect(opened).toBe(1);
  });

  it('hands the session on when opening the database fails, so the next holder is not stuck', async () => {
    const session = new EmbeddedSession(() => Promise.reject(new Error('cannot open')));
    const waiting = [session.lease(), session.lease()];
    await expect(waiting[0]).rejects.toThrow('cannot open');
    await expect(waiting[1]).rejects.toThrow('cannot open');
  });

  it('closes the database on end, and opens it again for a later holder', async () => {
    const databases: RecordingDatabase[] = [];
    const session = new EmbeddedSession(() => {
      databases.push(new RecordingDatabase());
      return Promise.resolve(databases[databases.length - 1]);
    });
    const Pool = sessionPool(session);
    const pool = new Pool();
    await pool.query('SELECT 1');
    await (pool.end() as Promise<void>);
    expect(databases.map((d) => d.closed)).toEqual([true]);
    await new Pool().query('SELECT 2');
    expect(databases.map((d) => d.statements)).toEqual([['SELECT 1'], ['SELECT 2']]);
  });
});
