import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PARTY_ID_SEQUENCE, Profile, USER_ID_SEQUENCE } from './profile';
import type { ProfileImportFile } from './profile-import.dto';

/** A person as stored: what the exchange needs, and the party's name for operators. */
export interface Person extends Profile {
  name: string;
}

/** A person to store with the ids given (the development person). */
export interface NewPerson extends Person {
  ssn: string;
}

interface PersonRow {
  ssn?: string;
  user_id: number;
  user_name: string | null;
  party_id: number;
  party_uuid: string;
  name: string | null;
}

const toPerson = (row: PersonRow): Person => ({
  userId: Number(row.user_id),
  userName: row.user_name ?? '',
  partyId: Number(row.party_id),
  partyUuid: row.party_uuid,
  name: row.name ?? '',
});

const PERSON_BY_SSN = `SELECT u.user_id, u.user_name, p.party_id, p.party_uuid, p.name
  FROM users u JOIN parties p ON p.party_id = u.party_id WHERE u.ssn = $1`;

const PEOPLE_BY_SSN = `SELECT u.ssn, u.user_id, u.user_name, p.party_id, p.party_uuid, p.name
  FROM users u JOIN parties p ON p.party_id = u.party_id WHERE u.ssn = ANY($1::varchar[])`;

/**
 * The users and parties tables: every statement about people, in SQL, as named methods. Used by
 * the profile service and the profiles CLI; knows nothing of caches or policy.
 */
@Injectable()
export class ProfileRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The person with this ssn, or undefined. */
  async findBySsn(ssn: string, manager: EntityManager = this.dataSource.manager): Promise<Person | undefined> {
    const rows = await manager.query<PersonRow[]>(PERSON_BY_SSN, [ssn]);
    return rows[0] ? toPerson(rows[0]) : undefined;
  }

  /** The people with these ssns, by ssn; an unknown ssn has no entry. One statement however many. */
  async findBySsns(ssns: readonly string[]): Promise<Map<string, Person>> {
    const rows = await this.dataSource.query<PersonRow[]>(PEOPLE_BY_SSN, [ssns]);
    return new Map(rows.map((row) => [row.ssn as string, toPerson(row)]));
  }

  /**
   * The person with this ssn, created with new ids (a party, then its user) when unknown. Races are
   * settled by the unique ssn constraints: a loser inserts nothing and reads the winner's rows.
   */
  provision(ssn: string): Promise<Person> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO parties (party_id, party_uuid, type, ssn, name)
         VALUES (nextval('${PARTY_ID_SEQUENCE}'), $1, 'person', $2, '') ON CONFLICT DO NOTHING`,
        [randomUUID(), ssn],
      );
      await manager.query(
        `INSERT INTO users (user_id, user_name, ssn, party_id)
         SELECT nextval('${USER_ID_SEQUENCE}'), '', $1::varchar, party_id FROM parties WHERE ssn = $1::varchar
         ON CONFLICT DO NOTHING`,
        [ssn],
      );
      const person = await this.findBySsn(ssn, manager);
      if (!person) throw new Error('provisioned profile not found');
      return person;
    });
  }

  async hasUsers(): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM users LIMIT 1');
    return rows.length > 0;
  }

  /** Stores a person with the given ids; a person already there is left as it is. */
  insert(person: NewPerson): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO parties (party_id, party_uuid, type, ssn, name) VALUES ($1, $2, 'person', $3, $4) ON CONFLICT DO NOTHING`,
        [person.partyId, person.partyUuid, person.ssn, person.name],
      );
      await manager.query(`INSERT INTO users (user_id, user_name, ssn, party_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        person.userId,
        person.userName,
        person.ssn,
        person.partyId,
      ]);
    });
  }

  /**
   * Upserts every party and user in one transaction (any failure leaves the database as it was),
   * then moves the id sequences past the imported ids.
   */
  async import(file: ProfileImportFile): Promise<{ parties: number; users: number }> {
    await this.dataSource.transaction(async (manager) => {
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
      await manager.query(
        `SELECT setval('${USER_ID_SEQUENCE}', GREATEST((SELECT COALESCE(max(user_id), 0) FROM users) + 1, nextval('${USER_ID_SEQUENCE}')), false)`,
      );
      await manager.query(
        `SELECT setval('${PARTY_ID_SEQUENCE}', GREATEST((SELECT COALESCE(max(party_id), 0) FROM parties) + 1, nextval('${PARTY_ID_SEQUENCE}')), false)`,
      );
    });
    return { parties: file.parties.length, users: file.users.length };
  }
}
