import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AdminContext, AdminRequest, executeAdminRequest } from '../../src/admin/admin-request';
import { clientsProgram } from '../../src/cli/clients.command';
import { demoProgram } from '../../src/cli/demo.command';
import { keysProgram, keysRequest } from '../../src/cli/keys.command';
import { migrationProgram } from '../../src/cli/migration.command';
import { profilesProgram, profilesRequest } from '../../src/cli/profiles.command';
import { failureOf, runProgram } from '../../src/cli/run-cli';
import { openDataSource } from '../../src/database/open-data-source';
import { ENTITIES } from '../../src/entities';
import { KeyEncryption, resolveEncryptionSecret } from '../../src/keys/key-encryption';
import { keyTimings } from '../../src/keys/key-schedule';
import { SigningKeyRepository } from '../../src/keys/signing-key.repository';
import { testSettings } from './app';
import type { TestDatabase } from './database';

/** What an admin command ended with, as a CLI would show it: its exit code and its output. */
export interface AdminRun {
  code: number;
  stdout: string;
  stderr: string;
}

const PROGRAMS = {
  keys: { usage: keysProgram.usage, request: keysRequest },
  profiles: { usage: profilesProgram.usage, request: profilesRequest },
} satisfies Record<string, { usage: string; request: (args: string[]) => AdminRequest | Promise<AdminRequest> }>;

/**
 * The admin commands in this process: the arguments parsed and checked by the CLI's own code, the
 * request run by the admin request handler on one data source the test keeps open, the outcome
 * turned into an exit code and output as the CLI does. What only the spawned CLI does (the
 * directory lock, the "acting on" line, the route to a running service) has its own spawned tests.
 */
export class InProcessAdmin {
  private constructor(
    private readonly dataSource: DataSource,
    private readonly context: AdminContext,
  ) {}

  /** Opens `database` (migrated) with the settings the environment `env` describes. */
  static async open(database: TestDatabase, env: Record<string, string | undefined> = {}): Promise<InProcessAdmin> {
    const settings = testSettings({ ...database.env, ...env });
    const dataSource = await openDataSource(
      { url: database.url, embeddedDir: join(database.dataDir, 'pgdata'), migrateOnStart: true },
      ENTITIES,
    );
    let encryption: KeyEncryption | undefined;
    return new InProcessAdmin(dataSource, {
      dataSource,
      keys: new SigningKeyRepository(dataSource),
      encryption: () => (encryption ??= new KeyEncryption(resolveEncryptionSecret(settings.keys, () => undefined))),
      timings: keyTimings(settings.keys, settings.token),
      now: () => Date.now(),
      httpsRedirectUrisOnly: settings.login.httpsRedirectUrisOnly,
    });
  }

  /** `npm run <program> -- <args>`, in this process. */
  async run(program: keyof typeof PROGRAMS, ...args: string[]): Promise<AdminRun> {
    const { usage, request } = PROGRAMS[program];
    try {
      const { lines } = await executeAdminRequest(this.context, await request(args));
      return { code: 0, stdout: lines.map((line) => `${line}\n`).join(''), stderr: '' };
    } catch (error) {
      const { code, message } = failureOf(error, usage);
      return { code, stdout: '', stderr: `${message}\n` };
    }
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }
}

/** A CLI run in this process, started: `said` resolves once it printed its first line (what it acts on), `done` with its outcome. */
export interface StartedCliRun {
  said: Promise<void>;
  done: Promise<AdminRun>;
}

/**
 * `node dist/src/cli/main.js <args>` with exactly the environment `env`, in this process: the CLI's
 * own code from the arguments to the route it takes (the admin channel of the service that owns the
 * embedded directory, the directory under its lock, or PostgreSQL), its lines collected instead of
 * printed. What only a process shows (its exit, its start) is left to one spawned test per command.
 * Started without waiting for its end, for a test that acts while the command runs.
 */
export function startCliInProcess(args: string[], env: Record<string, string | undefined>): StartedCliRun {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let firstLine: () => void = () => undefined;
  const said = new Promise<void>((resolve) => (firstLine = resolve));
  const done = runProgram(
    { clients: clientsProgram, demo: demoProgram, keys: keysProgram, migration: migrationProgram, profiles: profilesProgram },
    args,
    env,
    {
      log: (line) => {
        stdout.push(`${line}\n`);
        firstLine();
      },
      error: (line) => stderr.push(`${line}\n`),
    },
  ).then((code) => ({ code, stdout: stdout.join(''), stderr: stderr.join('') }));
  return { said, done };
}

/** startCliInProcess, to its end. */
export function runCliInProcess(args: string[], env: Record<string, string | undefined>): Promise<AdminRun> {
  return startCliInProcess(args, env).done;
}
