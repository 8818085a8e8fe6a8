import { describe, it } from 'node:test';
import { expect } from 'expect';
import { describeDatabase, startupSummary } from './startup-summary';

const base = {
  server: { host: '0.0.0.0', port: 3000 },
  database: { url: undefined, embeddedDir: '/srv/data/pgdata' },
  http: { openApiEnabled: true },
  testIdp: { enabled: true },
};

describe('start-up summary', () => {
  it('names the URL, the embedded database, the docs, the login page and the demo in development', () => {
    const { msg, fields } = startupSummary(base as never);
    expect(fields).toEqual({
      url: 'http://127.0.0.1:3000',
      database: 'embedded, in /srv/data/pgdata',
      docs: 'http://127.0.0.1:3000/docs',
      login: 'http://127.0.0.1:3000/test-idp/idporten/login',
      demo: 'npm run demo',
    });
    expect(msg).toContain('ready at http://127.0.0.1:3000 | database: embedded, in /srv/data/pgdata');
  });

  it('leaves out what is off, as in production', () => {
    const { msg, fields } = startupSummary({
      ...base,
      server: { host: '10.0.0.5', port: 8080 },
      http: { openApiEnabled: false },
      testIdp: { enabled: false },
    } as never);
    expect(fields).toEqual({ url: 'http://10.0.0.5:8080', database: 'embedded, in /srv/data/pgdata' });
    expect(msg).not.toMatch(/docs|login|demo/);
  });

  it('names a PostgreSQL server by host and database, never its user or password', () => {
    const described = describeDatabase({
      url: 'postgres://auth:hunter2@db.internal:6432/authentication?sslmode=require',
      embeddedDir: '/x',
    });
    expect(described).toBe('PostgreSQL, database "authentication" on db.internal:6432');
    expect(described).not.toMatch(/hunter2|auth:/);
    expect(describeDatabase({ url: 'postgresql://db/', embeddedDir: '/x' })).toBe('PostgreSQL, database "postgres" on db:5432');
  });
});
