import { existsSync, readFileSync } from 'node:fs';
import type { AdminRequest } from '../admin/admin-request';
import { CommandError, UsageError } from '../common/cli';
import { importKeyMaterial, KeyMaterialError } from '../keys/key-material';
import { runAdminCommand } from './database-target';
import type { CliProgram } from './run-cli';

const USAGE = `usage: npm run keys -- <command>
  list                                 every key: kid, state, activation and retirement
  rotate [--now]                       publish a new key now, signing after KEY_PUBLISH_AHEAD_HOURS
                                       (--now, for a compromised key: sign with the new key at once
                                       and revoke the one it replaces: unpublished, its tokens refused)
  import --cert FILE --key FILE [--now]
                                       bring an existing RSA certificate and private key (PEM)`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (!value || value.startsWith('--')) throw new UsageError(`${name} needs a file name`);
  return value;
}

function readInput(path: string, what: string): string {
  if (!existsSync(path)) throw new CommandError(`cannot read the ${what} file ${path}: it does not exist`);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CommandError(`cannot read the ${what} file ${path}`);
  }
}

/** The request the arguments describe; key files are read and checked here, before any database is touched. */
export async function keysRequest([command, ...rest]: string[]): Promise<AdminRequest> {
  const now = rest.includes('--now');
  if (command === 'list') return { command: 'keys.list' };
  if (command === 'rotate') return { command: 'keys.rotate', now };
  if (command !== 'import') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  const certPath = option(rest, '--cert');
  const keyPath = option(rest, '--key');
  if (!certPath || !keyPath) throw new UsageError('import needs --cert FILE and --key FILE');
  const certificate = readInput(certPath, 'certificate');
  const privateKey = readInput(keyPath, 'key');
  try {
    await importKeyMaterial(certificate, privateKey);
  } catch (error) {
    if (error instanceof KeyMaterialError) throw new CommandError(error.message);
    throw error;
  }
  return { command: 'keys.import', certificate, privateKey, now };
}

export const keysProgram: CliProgram = {
  usage: USAGE,
  async run(args, settings, _env, output) {
    const request = await keysRequest(args);
    const { lines, route } = await runAdminCommand(settings, request, output);
    for (const line of lines) output.log(line);
    if (request.command === 'keys.list') return;
    if (route === 'service') output.log('the running service has loaded it');
    else if (route === 'postgresql')
      output.log('announced to the running replicas: they load it within seconds (KEY_RELOAD_SECONDS at the latest)');
  },
};
