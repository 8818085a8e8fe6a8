// test-database: independent (replicas share the local PostgreSQL server in either pass)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Client } from 'pg';
import { RATE_LIMIT_KEY_PREFIX } from '../../src/rate-limit/rate-limit-storage';
import { createTestDatabase, LOCAL_SERVER_URL, serverMissing, TestDatabase } from '../helpers/database';
import { EXCHANGE, JWKS_PATH } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { deleteKeys, localRedisUrl, redisMissing } from '../helpers/redis';
import { Answer, ReplicaSet } from '../helpers/replica-set';
import { runCommand } from '../helpers/spawn';

/** The issue's promise: an announced change is acted on by every replica within this. */
const ANNOUNCED_WITHIN_MS = 2_000;
const RATE_LIMIT = 60;
const KEY_ENCRYPTION_KEY = 'replica-set-key-encryption-secret-0123456789';
const PID = '01017012345';
/** A Redis database of this file's own. */
const REDIS_URL = localRedisUrl(13);

const people = (userName: string) => ({
  parties: [{ partyId: 52_000_001, partyUuid: '00000000-0000-4000-8000-000052000001', type: 'person', ssn: PID, name: 'Replica Person' }],
  users: [{ userId: 22_000_001, userName, ssn: PID, partyId: 52_000_001 }],
});

/** Each request its own client address (TRUST_PROXY=loopback), so only the rate-limit test meets the limit. */
let clients = 0;
const nextClient = () => {
  clients += 1;
  return `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`;
};

/** Polls `check` on every replica until it holds on all; returns how long each took, in ms from `since`. */
async function everyReplica(set: ReplicaSet, since: number, check: (url: string) => Promise<boolean>): Promise<number[]> {
  return Promise.all(
    set.replicas.map(async ({ url }) => {
      const deadline = since + ANNOUNCED_WITHIN_MS;
      for (;;) {
        if (await check(url)) return Date.now() - since;
        if (Date.now() > deadline) return Number.POSITIVE_INFINITY;
        await new Promise((r) => setTimeout(r, 25));
      }
    }),
  );
}

// Three replicas need a database server all three reach (the embedded database has one owner): the
// local one, in the embedded pass as in the PostgreSQL one.
describe('three replicas on one PostgreSQL database behind a round-robin proxy', () => {
  let noServer: string | undefined;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let database: TestDatabase;
  let set: ReplicaSet;
  let env: Record<string, string>;
  let files: string;
  let noRedis: string | undefined;

  const exchangeAt = async (url: string, provider: 'maskinporten' | 'id-porten', token: string): Promise<Answer> =>
    set.get(`${EXCHANGE}/${provider}`, { authorization: `Bearer ${token}`, 'x-forwarded-for': nextClient() }, url);
  const signingKid = async (url: string) => {
    const answer = await exchangeAt(url, 'maskinporten', await maskinporten.maskinportenToken());
    expect(answer.status).toBe(200);
    return decodeProtectedHeader(answer.body as string).kid;
  };
  const publishedKids = async (url: string) =>
    ((await (await fetch(`${url}${JWKS_PATH}`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  const userNameAt = async (url: string) => {
    const answer = await exchangeAt(url, 'id-porten', await idporten.idportenToken({ pid: PID }));
    return answer.status === 200 ? (decodeJwt(answer.body as string)['urn:altinn:username'] as string) : `status ${answer.status}`;
  };
  const cli = (...args: string[]) => runCommand(args, { DATABASE_URL: database.url, KEY_ENCRYPTION_KEY, DATA_DIR: files });
  const importPeople = async (userName: string) => {
    const file = join(files, `${userName}.json`);
    writeFileSync(file, JSON.stringify(people(userName)));
    const imported = await cli('profiles', 'import', file);
    expect([imported.code, imported.stderr]).toEqual([0, '']);
  };

  before(async () => {
    noServer = await serverMissing();
    if (noServer) return;
    noRedis = await redisMissing(REDIS_URL);
    if (!noRedis) await deleteKeys(REDIS_URL, `{${RATE_LIMIT_KEY_PREFIX}`);
    maskinporten = await FakeIssuer.start('maskinporten');
    idporten = await FakeIssuer.start('idporten');
    database = await createTestDatabase(LOCAL_SERVER_URL);
    files = mkdtempSync(join(tmpdir(), 'auth-replicas-'));
    set = await ReplicaSet.start(3, (proxyUrl) => {
      env = {
        ...database.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        ISSUER_URL: `${proxyUrl}/authentication/api/v1/openid/`,
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
        TEST_IDP_ENABLED: 'false',
        KEY_ENCRYPTION_KEY,
        // Polls an hour apart: only the announcements can make a change reach the others in time.
        KEY_RELOAD_SECONDS: '3600',
        PROFILE_CACHE_SECONDS: '3600',
        PROFILES_AUTO_PROVISION: 'false',
        RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
        TRUST_PROXY: 'loopback',
        ...(noRedis ? {} : { REDIS_URL }),
      };
      return env;
    });
  });
  after(async () => {
    await set?.stop();
    await database?.drop();
    await maskinporten?.close();
    await idporten?.close();
  });

  it('after keys rotate --now, every replica signs with the new kid and none publishes the old one within 2 s', async (t) => {
    if (noServer) return t.skip(noServer);
    const before = await Promise.all(set.replicas.map(({ url }) => signingKid(url)));
    expect(new Set(before).size).toBe(1);
    const old = before[0] as string;
    const rotated = await cli('keys', 'rotate', '--now');
    expect([rotated.code, rotated.stderr]).toEqual([0, '']);
    const since = Date.now();
    const kid = /^([A-Za-z0-9_-]{43}) published; signs from /m.exec(rotated.stdout)?.[1];
    expect(kid).toBeDefined();
    const took = await everyReplica(
      set,
      since,
      async (url) => (await signingKid(url)) === kid && !(await publishedKids(url)).includes(old),
    );
    t.diagnostic(`new key in use on every replica ${took.join(' / ')} ms after the command ended`);
    expect(took.every((ms) => ms <= ANNOUNCED_WITHIN_MS)).toBe(true);
  });

  it('after profiles import, every replica exchanges a new person, and a changed one, within 2 s', async (t) => {
    if (noServer) return t.skip(noServer);
    for (const { url } of set.replicas) expect(await userNameAt(url)).toBe('status 401');
    await importPeople('first-name');
    const added = await everyReplica(set, Date.now(), async (url) => (await userNameAt(url)) === 'first-name');
    // Every replica now holds the person in its cache for an hour: only the announcement empties it.
    await importPeople('second-name');
    const changed = await everyReplica(set, Date.now(), async (url) => (await userNameAt(url)) === 'second-name');
    t.diagnostic(`new person on every replica after ${added.join(' / ')} ms, changed one after ${changed.join(' / ')} ms`);
    expect([...added, ...changed].every((ms) => ms <= ANNOUNCED_WITHIN_MS)).toBe(true);
  });

  it('a replica whose listening connection was cut reconnects and reloads what changed meanwhile', async (t) => {
    if (noServer) return t.skip(noServer);
    for (const { url } of set.replicas) expect(await userNameAt(url)).toBe('second-name');
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      // Changed without an announcement, then every listening connection cut: only the reload after reconnecting shows it.
      await admin.query('UPDATE users SET user_name = $1 WHERE ssn = $2', ['third-name', PID]);
      const cut = await admin.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %'`,
      );
      expect(cut.rows).toHaveLength(3);
    } finally {
      await admin.end();
    }
    // The first reconnection waits 250 ms.
    const took = await everyReplica(set, Date.now(), async (url) => (await userNameAt(url)) === 'third-name');
    t.diagnostic(`reloaded after reconnecting: ${took.join(' / ')} ms`);
    expect(took.every((ms) => ms <= ANNOUNCED_WITHIN_MS)).toBe(true);
  });

  it(`holds RATE_LIMIT_PER_MINUTE=${RATE_LIMIT} across the three replicas within 5 %`, async (t) => {
    if (noServer) return t.skip(noServer);
    if (noRedis) return t.skip(noRedis);
    const client = '198.51.100.23';
    const token = await maskinporten.maskinportenToken();
    const answers: Answer[] = [];
    // Twice the limit: counted per replica, all 120 would pass (40 each).
    for (let round = 0; round < 2 * RATE_LIMIT; round += 6) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 6 }, () =>
            set.get(`${EXCHANGE}/maskinporten`, { authorization: `Bearer ${token}`, 'x-forwarded-for': client }),
          ),
        )),
      );
    }
    const passed = answers.filter((a) => a.status === 200).length;
    const limited = answers.filter((a) => a.status === 429).length;
    t.diagnostic(
      `${passed} passed, ${limited} limited, spread over replicas ${[0, 1, 2].map((i) => answers.filter((a) => a.replica === i).length).join('/')}`,
    );
    expect(passed + limited).toBe(2 * RATE_LIMIT);
    expect(passed).toBeGreaterThanOrEqual(RATE_LIMIT * 0.95);
    expect(passed).toBeLessThanOrEqual(RATE_LIMIT * 1.05);
    for (const i of [0, 1, 2]) expect(answers.some((a) => a.replica === i && a.status === 429)).toBe(true);
  });

  it('after kill -9 of one replica under load, only its connections fail and every issued token is in the audit table', async (t) => {
    if (noServer) return t.skip(noServer);
    const tokens = await Promise.all(Array.from({ length: 8 }, () => maskinporten.maskinportenToken()));
    const answers: (Answer & { after: boolean })[] = [];
    let killed = false;
    let stop = false;
    const worker = async (token: string) => {
      while (!stop) {
        const answer = await set.get(`${EXCHANGE}/maskinporten`, { authorization: `Bearer ${token}`, 'x-forwarded-for': nextClient() });
        answers.push({ ...answer, after: killed });
      }
    };
    const load = Promise.all(tokens.map(worker));
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 60_000;
      while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    await until(() => answers.filter((a) => a.status === 200).length >= 60);
    await set.kill(2);
    killed = true;
    const issuedBefore = answers.length;
    await until(() => answers.length - issuedBefore >= 90);
    stop = true;
    await load;

    const issued = answers.filter((a) => a.status === 200);
    const failed = answers.filter((a) => a.status !== 200);
    t.diagnostic(`${answers.length} requests, ${issued.length} issued, ${failed.length} failed (all on the killed replica)`);
    // Only connections to the killed replica fail; the others answer every request.
    expect(answers.filter((a) => a.replica === undefined)).toEqual([]);
    expect(failed.filter((a) => a.replica !== 2)).toEqual([]);
    expect(answers.filter((a) => a.after && a.replica !== 2 && a.status === 200).length).toBeGreaterThanOrEqual(60);
    expect(answers.some((a) => a.after && a.replica === 2 && a.error !== undefined)).toBe(true);
    // Every token anyone received is audited, the killed replica's last ones included.
    const jtis = issued.map((a) => decodeJwt(a.body as string).jti as string);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ jti: string }>(
        `SELECT issued_jti AS jti FROM authentication_events WHERE outcome = 'issued' AND issued_jti = ANY($1)`,
        [jtis],
      );
      expect(new Set(rows.map((r) => r.jti)).size).toBe(new Set(jtis).size);
    } finally {
      await db.end();
    }
    expect(new Set(jtis).size).toBe(jtis.length);
    expect(issued.some((a) => a.replica === 2)).toBe(true);
  });
});
