import { CommandError } from '../common/cli';
import { isPid, PID_DIGITS } from '../common/identifiers';
import { maskSsn } from './profile';
import { ProfileImportError, validateImport } from './profile-import';
import type { ProfileImportFile } from './profile-import.dto';
import { ProfileRepository } from './profile.repository';

/** The import file checked whole; every problem named, as a refusal that changes nothing. */
export function validatedImport(document: unknown): ProfileImportFile {
  try {
    return validateImport(document);
  } catch (error) {
    if (error instanceof ProfileImportError) {
      throw new CommandError(`nothing imported; the file has ${error.problems.length} problem(s):\n${error.message}`);
    }
    throw error;
  }
}

/** `profiles import`: every party and user of the document in one transaction, or nothing. */
export async function importPeople(people: ProfileRepository, document: unknown): Promise<string[]> {
  const file = validatedImport(document);
  const { parties, users } = await people.import(file).catch((error: unknown) => {
    const detail = (error as { driverError?: { detail?: string } }).driverError?.detail;
    throw new CommandError(`nothing imported: ${detail ?? (error instanceof Error ? error.message : String(error))}`);
  });
  return [`imported ${parties} parties and ${users} users`];
}

/** `profiles show`: a person's user and party, the ssn masked. */
export async function showPerson(people: ProfileRepository, ssn: string): Promise<string[]> {
  if (!isPid(ssn)) throw new CommandError(`an ssn is ${PID_DIGITS} digits`);
  const person = await people.findBySsn(ssn);
  if (!person) throw new CommandError(`no person with ssn ${maskSsn(ssn)}`);
  return [JSON.stringify({ ssn: maskSsn(ssn), ...person }, null, 2)];
}
