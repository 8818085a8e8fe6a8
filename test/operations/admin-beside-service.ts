import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { InProcessAdmin, runCliInProcess } from '../helpers/admin';
import { freePort } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverAnswers, TestDatabase } from '../helpers/database';
import { certificateFor, rsaPair } from '../helpers/pki';
import { runCommand, spawnService, waitFor } from '../helpers/spawn';

const PID = '01018012345';
const people = (partyId: number) => ({
  parties: [
    {
      partyId,
      partyUuid: `00000000-0000-4000-8000-${String(partyId).padStart(12, '0')}`,
      type: 'person',
      ssn: PID,
      name: 'Imported Person',
    },
  ],
  users: [{ userId: partyId - 30_000_000, userName: 'imported', ssn: PID, partyId }],
});

/** Lines of a command's stdout. */
const lines = (result: { stdout: string }) => result.stdout.trim().split('\n');

/**
 * The same admin commands beside a running service, on either database (one spec file each: each file has 120 s);
 * on the embedded one, first what makes that service the directory's one owner.
 */
export function describeAdminBesideService(kind: 'embedded' | 'postgresql'): void {
  // Real processes on a shared machine: the suite as a whole may take minutes; each step stays bounded by its own waits.
  describe(`admin commands beside a running service on the ${kind} database`, { timeout: 600_000 }, () => {
    let database: TestDatabase | undefined;
    let env: Record<string, string>;
    let base: string;
    let service: ReturnType<typeof spawnService> | undefined;
    let files: string;
    /** An operator's own key: refused with another's certificate, then imported with its own. */
    let operatorKey: ReturnType<typeof rsaPair>;
    // The commands run in this process, through the CLI's own code: the route to the service (its lock
    // file, its socket, its token) is the same from here as from a process of its own, and a second
    // process per command would cost seconds each. Each command's one run as a process of its own is
    // in test/keys/keys-cli and test/idporten/profiles-cli, and migration:run's below.
    const cli = (...args: string[]) => runCliInProcess(args, env);

    /** Exchanges an ID-porten token of the test IdP for one of ours; returns the status and, if issued, the token. */
    async function exchangePerson(): Promise<{ status: number; token?: string }> {
      const idp = await fetch(`${base}/test-idp/idporten/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pid: PID, acr: 'idporten-loa-substantial', amr: ['Minid-PIN'] }),
      });
      const { access_token } = (await idp.json()) as { access_token: string };
      const response = await fetch(`${base}/authentication/api/v1/exchange/id-porten`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      return { status: response.status, token: response.ok ? await response.text() : undefined };
    }

    let unavailable = 'the service did not start';

    before(async () => {
      if (kind === 'postgresql' && !(await serverAnswers())) {
        unavailable = `no PostgreSQL server answers at ${LOCAL_SERVER_URL}`;
        return;
      }
      database = await createTestDatabase(kind === 'postgresql' ? LOCAL_SERVER_URL : null);
      files = mkdtempSync(join(tmpdir(), 'auth-admin-'));
      const port = String(await freePort());
      base = `http://127.0.0.1:${port}`;
      env = {
        ...database.env,
        PORT: port,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        KEY_ENCRYPTION_KEY: 'admin-beside-service-secret-0123456789abcdef',
        PROFILES_AUTO_PROVISION: 'false',
        RATE_LIMIT_PER_MINUTE: '0',
        KEY_RELOAD_SECONDS: '2',
      };
      service = spawnService(env);
      operatorKey = rsaPair();
      await waitFor(`${base}/health/ready`);
    });
    after(async () => {
      service?.child.kill('SIGKILL');
      await service?.exited;
      await database?.drop();
    });

    if (kind === 'embedded') {
      // The owner these tests need is the service this file starts anyway: a second one would cost seconds.
      describe('one owner of the embedded data directory', () => {
        const lockFile = () => join(database!.dataDir, 'pgdata.lock');

        it('holds a lock beside the directory that names its pid, readable only by its user', () => {
          const owner = JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number; role: string };
          expect(owner).toMatchObject({ pid: service!.child.pid, role: 'service' });
          expect(statSync(lockFile()).mode & 0o077).toBe(0);
        });

        // "At once" as behaviour, not as a time: the second start ends on its own while the first still
        // holds the directory (it does not wait for the lock), and it leaves the lock and the first alone.
        it('refuses a second service on the directory while the first holds it, in one line naming the directory and the owner’s pid', async () => {
          const first = service!;
          const lock = readFileSync(lockFile(), 'utf8');
          const second = await spawnService(env).exited;
          expect(first.child.exitCode).toBeNull();
          expect(second.code).toBe(1);
          expect(second.stdout).toBe('');
          const refusal = second.stderr.trim().split('\n');
          expect(refusal).toHaveLength(1);
          expect(refusal[0]).toMatch(
            new RegExp(
              `^Start-up failed: the embedded database in ${join(database!.dataDir, 'pgdata')} is already open in process ${first.child.pid} \\(a running service since [0-9T:.Z-]+\\); stop it first, or use its admin commands$`,
            ),
          );
          expect(readFileSync(lockFile(), 'utf8')).toBe(lock);
          const ready = await fetch(`${base}/health/ready`);
          expect(ready.status).toBe(200);
        });
      });
    }

    it('imports people the running service exchanges at once, without a restart', async (t) => {
      if (!service) return t.skip(unavailable);
      expect((await exchangePerson()).status).toBe(401);
      const file = join(files, 'people.json');
      writeFileSync(file, JSON.stringify(people(51_000_001)));
      const imported = await cli('profiles', 'import', file);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(lines(imported)[1]).toBe('imported 1 parties and 1 users');
      const exchanged = await exchangePerson();
      expect(exchanged.status).toBe(200);
      expect(decodeJwt(exchanged.token!)['urn:altinn:partyid']).toBe(51_000_001);
      const shown = await cli('profiles', 'show', PID);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ ssn: '010180*****', partyId: 51_000_001 });
    });

    it('rotates with --now and the service signs with the new key within KEY_RELOAD_SECONDS', async (t) => {
      if (!service) return t.skip(unavailable);
      const listed = await cli('keys', 'list');
      expect(listed.code).toBe(0);
      const before = lines(listed).slice(1);
      expect(before).toHaveLength(1);
      const rotated = await cli('keys', 'rotate', '--now');
      expect(rotated.stderr).toBe('');
      expect(rotated.code).toBe(0);
      const [acting, published, revoked, note] = lines(rotated);
      const kid = /^([A-Za-z0-9_-]{43}) published; signs from /.exec(published)?.[1];
      expect(kid).toBeDefined();
      // The key it replaces may be in other hands: --now revokes it.
      expect(revoked).toBe(`${before[0].split('\t')[0]} revoked: unpublished, and tokens it signed are refused by refresh`);
      if (kind === 'embedded') {
        expect(acting).toBe(
          `acting on the embedded database in ${join(database!.dataDir, 'pgdata')}, through the service that has it open (process ${service.child.pid})`,
        );
        expect(note).toBe('the running service has loaded it');
      } else {
        expect(acting).toMatch(/^acting on PostgreSQL 127\.0\.0\.1:5432, database auth_test_\w+, user postgres$/);
        expect(note).toBe('announced to the running replicas: they load it within seconds (KEY_RELOAD_SECONDS at the latest)');
      }
      // Embedded: at once. PostgreSQL: at the announcement, or at the latest at the next reload (every
      // 2 s here); the bound only ends a wait for a reload that never comes, on a machine however loaded.
      const deadline = Date.now() + (kind === 'embedded' ? 0 : 30_000);
      let signedWith: string | undefined;
      do {
        const { token } = await exchangePerson();
        signedWith = token ? decodeProtectedHeader(token).kid : undefined;
        if (signedWith === kid) break;
        await new Promise((r) => setTimeout(r, 250));
      } while (Date.now() < deadline);
      expect(signedWith).toBe(kid);
      const jwks = (await (await fetch(`${base}/authentication/api/v1/openid/.well-known/openid-configuration/jwks`)).json()) as {
        keys: { kid: string }[];
      };
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    });

    it('re-imports a changed person and the running service issues the change at once', async (t) => {
      if (!service) return t.skip(unavailable);
      const file = join(files, 'people-changed.json');
      const changed = people(51_000_001);
      changed.parties[0].partyUuid = '00000000-0000-4000-8000-0000000000aa';
      writeFileSync(file, JSON.stringify(changed));
      expect((await exchangePerson()).status).toBe(200);
      const imported = await cli('profiles', 'import', file);
      expect(imported.code).toBe(0);
      // Embedded: applied by the service before the command returns. PostgreSQL: announced by the
      // command, which the service hears a moment later; without the announcement the cached person
      // would be issued unchanged until PROFILE_CACHE_SECONDS (60 s by default) ran out, so a change
      // seen within 20 s, however loaded the machine, is the announcement's.
      const deadline = Date.now() + (kind === 'embedded' ? 0 : 20_000);
      let partyUuid: unknown;
      do {
        const exchanged = await exchangePerson();
        partyUuid = decodeJwt(exchanged.token!)['urn:altinn:party:uuid'];
      } while (partyUuid !== '00000000-0000-4000-8000-0000000000aa' && Date.now() < deadline);
      expect(partyUuid).toBe('00000000-0000-4000-8000-0000000000aa');
    });

    it('refuses bad input through the service with a clear message and changes nothing', async (t) => {
      if (!service) return t.skip(unavailable);
      const keysBefore = (await cli('keys', 'list')).stdout;
      const bad = join(files, 'bad.json');
      writeFileSync(bad, JSON.stringify({ parties: [{ partyId: 'x' }], users: [] }));
      const refused = await cli('profiles', 'import', bad);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^nothing imported; the file has \d+ problem\(s\):\nparties\[0\]/);
      const orphan = join(files, 'orphan.json');
      writeFileSync(
        orphan,
        JSON.stringify({ parties: [], users: [{ userId: 21_999_999, userName: 'x', ssn: '01018099999', partyId: 59_999_999 }] }),
      );
      const rolledBack = await cli('profiles', 'import', orphan);
      expect(rolledBack.code).toBe(1);
      expect(rolledBack.stderr).toMatch(/^nothing imported:/);
      expect((await cli('profiles', 'show', '01018099999')).code).toBe(1);
      const other = rsaPair();
      const cert = join(files, 'cert.pem');
      const key = join(files, 'other-key.pem');
      writeFileSync(cert, await certificateFor(operatorKey.privateKey, operatorKey.publicKey));
      writeFileSync(key, other.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
      const mismatched = await cli('keys', 'import', '--cert', cert, '--key', key, '--now');
      expect(mismatched.code).toBe(1);
      expect(mismatched.stderr).toMatch(/do not belong together/);
      expect((await cli('keys', 'list')).stdout).toBe(keysBefore);
      expect((await cli('keys', 'frobnicate')).code).toBe(2);
    });

    it('imports an operator’s key with --now and the service signs with it at once', async (t) => {
      if (!service) return t.skip(unavailable);
      const { privateKey, publicKey } = operatorKey;
      const cert = join(files, 'own-cert.pem');
      const key = join(files, 'own-key.pem');
      writeFileSync(cert, await certificateFor(privateKey, publicKey));
      writeFileSync(key, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
      const imported = await cli('keys', 'import', '--cert', cert, '--key', key, '--now');
      expect(imported.code).toBe(0);
      const kid = /^([A-Za-z0-9_-]{43}) published/.exec(lines(imported)[1])?.[1];
      if (kind === 'embedded') {
        const { token } = await exchangePerson();
        expect(decodeProtectedHeader(token!).kid).toBe(kid);
      }
      expect((await cli('keys', 'list')).stdout).toContain(`${kid}\tactive\t`);
    });

    it('runs migration:run beside the service: nothing pending', async (t) => {
      if (!service) return t.skip(unavailable);
      // Its one run as a process of its own, `npm run migration:run`: beside the embedded service, where
      // that process opens no database of its own.
      const migrated = kind === 'embedded' ? await runCommand(['migration', 'run'], env) : await cli('migration', 'run');
      expect([migrated.code, migrated.stderr]).toEqual([0, '']);
      expect(lines(migrated)).toEqual([expect.stringMatching(/^acting on /), 'no pending migrations']);
    });

    it('keeps every change after the service stops, and the commands then open the directory themselves', async (t) => {
      if (!service) return t.skip(unavailable);
      const listed = (await cli('keys', 'list')).stdout;
      service.child.kill('SIGTERM');
      expect((await service.exited).code).toBe(0);
      service = undefined;
      const migrated = await cli('migration', 'run');
      expect(migrated.code).toBe(0);
      expect(lines(migrated)).toEqual([
        expect.stringMatching(
          kind === 'embedded' ? /^acting on the embedded database in .* \(no service has it open\)$/ : /^acting on PostgreSQL /,
        ),
        'no pending migrations',
      ]);
      // What the service wrote, read once more by the admin request handler on the database it left:
      // every command takes the route shown above, and each embedded open costs a second of CPU.
      const admin = await InProcessAdmin.open(database!, env);
      try {
        const after = await admin.run('keys', 'list');
        expect(after.code).toBe(0);
        expect(after.stdout).toBe(listed);
        expect(
          lines(after)
            .slice(1)
            .filter((l) => l.includes('\tactive\t')),
        ).toHaveLength(1);
        const shown = await admin.run('profiles', 'show', PID);
        expect(shown.code).toBe(0);
        expect(JSON.parse(shown.stdout)).toMatchObject({ ssn: '010180*****', partyId: 51_000_001 });
      } finally {
        await admin.close();
      }
    });
  });
}
