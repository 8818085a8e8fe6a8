// test-database: independent (replicas share the local PostgreSQL server in either pass)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { KeyRing } from '../../src/keys/key-ring';
import { OrganisationRegistry } from '../../src/organisations/organisation-registry';
import { RunningApp, startApp } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverMissing, TestDatabase } from '../helpers/database';
import { eventually } from '../helpers/exchange';
import { TestClock } from '../helpers/test-clock';

const org = (orgnr: string) => ({ name: { nb: 'Org', nn: 'Org', en: 'Org' }, orgnr, homepage: '', environments: ['tt02'] });
/** The promise: every replica acts on an announcement within this. */
const WITHIN_MS = 2_000;

// Changes a replica makes itself (its key maintenance, its organisation sync) reach the others at
// once, not at their own next poll: set an hour away here. Announcements are PostgreSQL
// LISTEN/NOTIFY and the embedded database has one owner, so the replicas share the local server.
describe('changes a replica makes itself are announced to the others', () => {
  let noServer: string | undefined;
  let database: TestDatabase;
  let source: string;
  let a: RunningApp;
  let b: RunningApp;
  const clock = new TestClock();
  const write = (orgs: Record<string, unknown>) => writeFileSync(source, JSON.stringify({ orgs }));

  before(async () => {
    noServer = await serverMissing();
    if (noServer) return;
    database = await createTestDatabase(LOCAL_SERVER_URL);
    source = join(mkdtempSync(join(tmpdir(), 'orgs-')), 'orgs.json');
    write({ brg: org('974760673') });
    const env = { ORGANISATIONS_SOURCE: source, ORGANISATIONS_REFRESH_MINUTES: '60', KEY_RELOAD_SECONDS: '3600' };
    a = await startApp({ database, clock, env });
    b = await startApp({ database, clock, env });
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  it('a key one replica creates in its maintenance is published by the other without its own reload', async (t) => {
    if (noServer) return t.skip(noServer);
    expect(b.app.get(KeyRing).publishedKeys()).toHaveLength(1);
    // Near the end of the rotation period, a's maintenance creates the next key.
    clock.advance(29 * 86_400_000);
    await a.app.get(KeyRing).refresh();
    expect(a.app.get(KeyRing).publishedKeys()).toHaveLength(2);
    await eventually(() => b.app.get(KeyRing).publishedKeys().length === 2, WITHIN_MS);
    expect(b.app.get(KeyRing).jwks().body).toBe(a.app.get(KeyRing).jwks().body);
  });

  it("an organisation list one replica synced is the other's at once", async (t) => {
    if (noServer) return t.skip(noServer);
    const registry = b.app.get(OrganisationRegistry);
    expect(registry.byOrgNumber('974761076')).toBeUndefined();
    write({ brg: org('974760673'), skd: org('974761076') });
    expect(await a.app.get(OrganisationRegistry).sync()).toBe(true);
    await eventually(() => registry.byOrgNumber('974761076')?.orgCode === 'skd', WITHIN_MS);
    expect(registry.size).toBe(2);
  });

  it('reports on /metrics that it listens and what it acted on', async (t) => {
    if (noServer) return t.skip(noServer);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toContain('authentication_announcements_listening 1');
    expect(metrics).toMatch(/^authentication_announcements_received_total\{kind="keys"\} [1-9]/m);
    expect(metrics).toMatch(/^authentication_announcements_received_total\{kind="organisations"\} [1-9]/m);
  });
});
