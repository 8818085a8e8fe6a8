import { existsSync, readFileSync } from 'node:fs';
import type { AdminRequest } from '../admin/admin-request';
import { isPid, PID_DIGITS } from '../common/identifiers';
import { CommandError, UsageError } from '../common/cli';
import { validatedImport } from '../profiles/profile-administration';
import { runAdminCommand } from './database-target';
import type { CliProgram } from './run-cli';

const USAGE = `usage: npm run profiles -- <command>
  import <file.json>   upsert {"parties": [...], "users": [...]} in one transaction, after validating all of it
  show <ssn>           print a person's user and party, the ssn masked`;

function readDocument(path: string): unknown {
  if (!existsSync(path)) throw new CommandError(`cannot read ${path}: it does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CommandError(`${path} is not valid JSON`);
  }
}

/** The request the arguments describe; an import file is read and checked here, before any database is touched. */
export function profilesRequest([command, argument]: string[]): AdminRequest {
  if (command !== 'import' && command !== 'show') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  if (!argument) throw new UsageError(`${command} needs an argument`);
  if (command === 'show') {
    if (!isPid(argument)) throw new CommandError(`an ssn is ${PID_DIGITS} digits`);
    return { command: 'profiles.show', ssn: argument };
  }
  const document = readDocument(argument);
  // Checked here too, so that a bad file is refused before any database is touched.
  validatedImport(document);
  return { command: 'profiles.import', document };
}

export const profilesProgram: CliProgram = {
  usage: USAGE,
  async run(args, settings, _env, output) {
    const { lines } = await runAdminCommand(settings, profilesRequest(args), output);
    for (const line of lines) output.log(line);
  },
};
