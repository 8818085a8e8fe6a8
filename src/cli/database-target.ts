import { AdminOutcome, AdminRequest, executeAdminRequest, writes } from '../admin/admin-request';
import { announce as announceChange } from '../announcements/announcement';
import { sendAdminRequest } from '../admin/admin-client';
import { CommandError } from '../common/cli';
import { Settings } from '../config';
import { DataDirectoryBusyError, holdDataDirectory } from '../database/data-directory-lock';
import { describeServer } from '../database/database-server';
import { openDataSource } from '../database/open-data-source';
import { databaseSchema } from '../entities';
import { KeyEncryption, resolveEncryptionSecret } from '../keys/key-encryption';
import { keyTimings } from '../keys/key-schedule';
import { SigningKeyRepository } from '../keys/signing-key.repository';
import type { CliOutput } from './run-cli';

/** How the command reached the database: on its own, or through the service that owns it. */
export type Route = 'postgresql' | 'embedded' | 'service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a command waits for another admin command that has the embedded directory open. */
const COMMAND_WAIT_MS = 30_000;

/** "acting on ...", first thing on stdout, before a command that writes; reading commands keep their output clean. */
function announce(request: AdminRequest, target: string, output: CliOutput): void {
  if (writes(request)) output.log(`acting on ${target}`);
}

/** Opens the database itself (PostgreSQL, or the embedded directory whose lock this process holds) and runs the command. */
async function runHere(settings: Settings, request: AdminRequest, output: CliOutput): Promise<AdminOutcome> {
  const migrating = request.command === 'migration.run';
  const schema = databaseSchema(settings.testIdp.enabled);
  const dataSource = await openDataSource(
    { ...settings.database, migrateOnStart: settings.database.migrateOnStart && !migrating },
    schema.entities,
    schema.migrationSets,
  );
  try {
    let encryption: KeyEncryption | undefined;
    const outcome = await executeAdminRequest(
      {
        dataSource,
        keys: new SigningKeyRepository(dataSource),
        encryption: () =>
          (encryption ??= new KeyEncryption(resolveEncryptionSecret(settings.keys, (path) => output.error(`generated ${path}`)))),
        timings: keyTimings(settings.keys, settings.token),
        now: () => Date.now(),
        httpsRedirectUrisOnly: settings.login.httpsRedirectUrisOnly,
      },
      request,
    );
    // On PostgreSQL, running replicas reload now instead of at their next poll (the embedded
    // directory has no service running beside this command: it holds the lock).
    if (settings.database.url) {
      if (outcome.keysChanged) await announceChange(dataSource, 'keys');
      if (outcome.profilesChanged) await announceChange(dataSource, 'profiles');
    }
    return outcome;
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Runs an admin command on the configured database. PostgreSQL: directly (replicas share it). The
 * embedded directory: when a service owns it, through that service's admin channel, so that nothing
 * else opens its files and the service sees the result at once; when nobody does, the command opens
 * it under the same lock a service takes.
 */
export async function runAdminCommand(
  settings: Settings,
  request: AdminRequest,
  output: CliOutput,
): Promise<{ lines: string[]; route: Route }> {
  const { url, embeddedDir } = settings.database;
  if (url) {
    announce(request, describeServer(url), output);
    return { lines: (await runHere(settings, request, output)).lines, route: 'postgresql' };
  }
  const deadline = Date.now() + COMMAND_WAIT_MS;
  for (;;) {
    let lock;
    try {
      lock = holdDataDirectory(embeddedDir, 'command');
    } catch (error) {
      if (!(error instanceof DataDirectoryBusyError)) throw error;
      if (error.owner.role === 'service') {
        announce(
          request,
          `the embedded database in ${embeddedDir}, through the service that has it open (process ${error.owner.pid})`,
          output,
        );
        return { lines: await sendAdminRequest(embeddedDir, error.owner, request), route: 'service' };
      }
      // Another admin command has it open for a moment: wait for it.
      if (Date.now() > deadline) throw new CommandError(error.message);
      await sleep(250);
      continue;
    }
    try {
      announce(request, `the embedded database in ${embeddedDir} (no service has it open)`, output);
      if (lock.tookOverFrom !== undefined)
        output.error(`took over the lock of ${embeddedDir} from process ${lock.tookOverFrom}, which is no longer running`);
      return { lines: (await runHere(settings, request, output)).lines, route: 'embedded' };
    } finally {
      lock.release();
    }
  }
}
