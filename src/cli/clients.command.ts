import { UsageError } from '../common/cli';
import type { NewClient } from '../login/client-administration';
import { runAdminCommand } from './database-target';
import type { CliProgram } from './run-cli';

const USAGE = `usage: npm run clients -- <command>
  add --name <name> --redirect-uri <uri> [--redirect-uri <uri> ...] [--post-logout-redirect-uri <uri> ...]
      [--frontchannel-logout-uri <uri>] [--public]
                        register a client of the login; prints it as JSON, the client_secret once
  list                  print every client as JSON (no secrets)
  remove <client_id>    remove a client`;

/** `add`'s options; every URI option may be repeated. */
function parseAdd(args: string[]): NewClient {
  const client: NewClient = { name: '', redirectUris: [], postLogoutRedirectUris: [], public: false };
  for (let i = 0; i < args.length; i += 1) {
    const option = args[i];
    if (option === '--public') {
      client.public = true;
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${option} needs a value`);
    i += 1;
    if (option === '--name') client.name = value;
    else if (option === '--redirect-uri') client.redirectUris.push(value);
    else if (option === '--post-logout-redirect-uri') client.postLogoutRedirectUris.push(value);
    else if (option === '--frontchannel-logout-uri') client.frontchannelLogoutUri = value;
    else throw new UsageError(`unknown option ${option}`);
  }
  if (!client.name) throw new UsageError('--name is required');
  if (client.redirectUris.length === 0) throw new UsageError('at least one --redirect-uri is required');
  return client;
}

export const clientsProgram: CliProgram = {
  usage: USAGE,
  async run([command, ...args], settings, _env, output) {
    let request;
    if (command === 'add') request = { command: 'clients.add' as const, client: parseAdd(args) };
    else if (command === 'list') request = { command: 'clients.list' as const };
    else if (command === 'remove') {
      if (!args[0]) throw new UsageError('remove needs a client_id');
      request = { command: 'clients.remove' as const, clientId: args[0] };
    } else throw new UsageError(command ? `unknown command "${command}"` : 'no command');
    const { lines } = await runAdminCommand(settings, request, output);
    for (const line of lines) output.log(line);
  },
};
