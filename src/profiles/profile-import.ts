import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ProfileImportFile } from './profile-import.dto';

export class ProfileImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ProfileImportError';
  }
}

function describe(errors: ValidationError[], path: string): string[] {
  return errors.flatMap((e) => {
    const here = /^\d+$/.test(e.property) ? `${path}[${e.property}]` : path ? `${path}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => `${here}: ${m}`), ...describe(e.children ?? [], here)];
  });
}

function duplicates<T>(items: T[], key: (item: T) => unknown, label: string): string[] {
  const seen = new Map<unknown, number>();
  const problems: string[] = [];
  items.forEach((item, index) => {
    const value = key(item);
    if (value === undefined) return;
    if (seen.has(value)) problems.push(`${label}[${index}]: duplicates ${label}[${seen.get(value)}]`);
    else seen.set(value, index);
  });
  return problems;
}

/** Validates the whole file first; returns it typed, or throws with every bad record named by index. */
export function validateImport(document: unknown): ProfileImportFile {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ProfileImportError(['the file must hold an object with "parties" and "users" arrays']);
  }
  const file = plainToInstance(ProfileImportFile, document);
  const problems = describe(validateSync(file, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true }), '');
  if (problems.length === 0) {
    problems.push(
      ...duplicates(file.parties, (p) => p.partyId, 'parties'),
      ...duplicates(file.parties, (p) => p.ssn, 'parties'),
      ...duplicates(file.users, (u) => u.userId, 'users'),
      ...duplicates(file.users, (u) => u.ssn, 'users'),
    );
  }
  if (problems.length > 0) throw new ProfileImportError(problems);
  return file;
}
