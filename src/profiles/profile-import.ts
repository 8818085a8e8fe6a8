import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DataSource } from 'typeorm';
import { PARTY_ID_SEQUENCE, USER_ID_SEQUENCE } from './profile';
import { ProfileImportFile } from './profile-import.dto';

export class ProfileImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
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

/** Upserts every party and user in one transaction; any failure leaves the database as it was. */
export async function importProfiles(dataSource: DataSource, file: ProfileImportFile): Promise<{ parties: number; users: number }> {
  await dataSource.transaction(async (manager) => {
    for (const p of file.parties) {
      await manager.query(
        `INSERT INTO parties (party_id, party_uuid, type, ssn, org_number, name) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (party_id) DO UPDATE SET party_uuid = EXCLUDED.party_uuid, type = EXCLUDED.type, ssn = EXCLUDED.ssn,
           org_number = EXCLUDED.org_number, name = EXCLUDED.name`,
        [p.partyId, p.partyUuid, p.type, p.ssn ?? null, p.orgNumber ?? null, p.name],
      );
    }
    for (const u of file.users) {
      await manager.query(
        `INSERT INTO users (user_id, user_name, ssn, party_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET user_name = EXCLUDED.user_name, ssn = EXCLUDED.ssn, party_id = EXCLUDED.party_id`,
        [u.userId, u.userName ?? '', u.ssn, u.partyId],
      );
    }
    await manager.query(`SELECT setval('${USER_ID_SEQUENCE}', GREATEST((SELECT COALESCE(max(user_id), 0) FROM users) + 1, nextval('${USER_ID_SEQUENCE}')), false)`);
    await manager.query(`SELECT setval('${PARTY_ID_SEQUENCE}', GREATEST((SELECT COALESCE(max(party_id), 0) FROM parties) + 1, nextval('${PARTY_ID_SEQUENCE}')), false)`);
  });
  return { parties: file.parties.length, users: file.users.length };
}
