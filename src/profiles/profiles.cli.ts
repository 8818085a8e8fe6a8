import '../process-environment';
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { CommandError, runCli, UsageError } from '../common/cli';
import { deriveSettings, readEnvironment } from '../config';
import { openDataSource } from '../database/open-data-source';
import { ENTITIES } from '../entities';
import { maskSsn } from './profile';
import { ProfileImportError, validateImport } from './profile-import';
import { ProfileRepository } from './profile.repository';

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

function validated(document: unknown) {
  try {
    return validateImport(document);
  } catch (error) {
    if (error instanceof ProfileImportError) {
      throw new CommandError(`nothing imported; the file has ${error.problems.length} problem(s):\n${error.message}`);
    }
    throw error;
  }
}

async function main([command, argument]: string[]): Promise<void> {
  if (command !== 'import' && command !== 'show') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  if (!argument) throw new UsageError(`${command} needs an argument`);
  const settings = deriveSettings(readEnvironment());
  if (command === 'show' && !/^\d{11}$/.test(argument)) throw new CommandError('an ssn is 11 digits');
  const file = command === 'import' ? validated(readDocument(argument)) : undefined;
  const dataSource = await openDataSource(settings.database, ENTITIES);
  try {
    const people = new ProfileRepository(dataSource);
    if (file) {
      const { parties, users } = await people.import(file).catch((error: unknown) => {
        const detail = (error as { driverError?: { detail?: string }; message?: string }).driverError?.detail;
        throw new CommandError(`nothing imported: ${detail ?? (error instanceof Error ? error.message : String(error))}`);
      });
      console.log(`imported ${parties} parties and ${users} users`);
      return;
    }
    const person = await people.findBySsn(argument);
    if (!person) throw new CommandError(`no person with ssn ${maskSsn(argument)}`);
    console.log(JSON.stringify({ ssn: maskSsn(argument), ...person }, null, 2));
  } finally {
    await dataSource.destroy();
  }
}

runCli(main, USAGE);
