import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ServiceUnavailableError } from '../common/errors';
import type { Settings } from '../config/settings';
import { ProfileService } from './profile.service';
import type { NewPerson, Person, ProfileRepository } from './profile.repository';

const ANNE: Person = {
  userId: 20000001,
  userName: 'anne',
  partyId: 50000001,
  partyUuid: '00000000-0000-4000-8000-000050000001',
  name: 'Anne',
};
const ANNE_SSN = '01010100001';

/** The repository's people in a map, with each call counted and every answer held until `settle`. */
class PeopleInMemory {
  readonly people = new Map<string, Person>([[ANNE_SSN, ANNE]]);
  finds = 0;
  /** The ssns of each lookup query. */
  queries: string[][] = [];
  provisions = 0;
  inserted: NewPerson[] = [];
  failWith?: Error;
  private held: (() => void)[] = [];

  async findBySsns(ssns: readonly string[]): Promise<Map<string, Person>> {
    this.finds += 1;
    this.queries.push([...ssns]);
    await this.hold();
    if (this.failWith) throw this.failWith;
    return new Map(ssns.flatMap((ssn) => (this.people.has(ssn) ? [[ssn, this.people.get(ssn) as Person]] : [])));
  }

  async provision(ssn: string): Promise<Person> {
    this.provisions += 1;
    await this.hold();
    const person = {
      userId: 30000000 + this.provisions,
      userName: '',
      partyId: 60000000 + this.provisions,
      partyUuid: `uuid-${this.provisions}`,
      name: '',
    };
    this.people.set(ssn, person);
    return person;
  }

  hasUsers(): Promise<boolean> {
    return Promise.resolve(this.people.size > 0);
  }

  insert(person: NewPerson): Promise<void> {
    this.inserted.push(person);
    return Promise.resolve();
  }

  /** Lets every held query answer. */
  async settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (const release of this.held.splice(0)) release();
    await new Promise((resolve) => setImmediate(resolve));
  }

  private hold(): Promise<void> {
    return new Promise((resolve) => this.held.push(resolve));
  }
}

function service(overrides: Partial<Settings['profiles']> = {}): { profiles: ProfileService; people: PeopleInMemory } {
  const people = new PeopleInMemory();
  const config: Settings['profiles'] = {
    cacheTtlMs: 60_000,
    cacheSize: 100,
    autoProvision: false,
    seedDevelopmentProfile: false,
    ...overrides,
  };
  return { profiles: new ProfileService(people as unknown as ProfileRepository, config), people };
}

const profileOf = ({ name: _name, ...profile }: Person) => profile;

describe('profile service', () => {
  it('answers a person it has found from its cache, without asking the database again', async () => {
    const { profiles, people } = service();
    const first = profiles.profileFor(ANNE_SSN);
    await people.settle();
    expect(await first).toEqual(profileOf(ANNE));
    expect(await profiles.profileFor(ANNE_SSN)).toEqual(profileOf(ANNE));
    expect(people.finds).toBe(1);
  });

  it('shares one query among concurrent misses for the same person, and asks again once it has answered', async () => {
    const { profiles, people } = service({ cacheTtlMs: 0 });
    const waiting = [profiles.profileFor(ANNE_SSN), profiles.profileFor(ANNE_SSN), profiles.profileFor(ANNE_SSN)];
    await people.settle();
    expect(await Promise.all(waiting)).toEqual([profileOf(ANNE), profileOf(ANNE), profileOf(ANNE)]);
    expect(people.queries).toEqual([[ANNE_SSN]]);
    const later = profiles.profileFor(ANNE_SSN);
    await people.settle();
    await later;
    expect(people.queries).toEqual([[ANNE_SSN], [ANNE_SSN]]);
  });

  it('asks for the misses of one moment in one query, and gives each caller its own person', async () => {
    const { profiles, people } = service();
    const bob: Person = { ...ANNE, userId: 20000002, userName: 'bob', partyId: 50000002, name: 'Bob' };
    people.people.set('03030300003', bob);
    const anne = profiles.profileFor(ANNE_SSN);
    const unknown = profiles.profileFor('02020200002');
    const second = profiles.profileFor('03030300003');
    await people.settle();
    expect([await anne, await unknown, await second]).toEqual([profileOf(ANNE), undefined, profileOf(bob)]);
    expect(people.queries).toEqual([[ANNE_SSN, '02020200002', '03030300003']]);
  });

  it('splits a moment with more than 500 misses into queries of at most 500', async () => {
    const { profiles, people } = service();
    const ssns = Array.from({ length: 1201 }, (_, i) => String(10_000_000_000 + i));
    const lookups = ssns.map((ssn) => profiles.profileFor(ssn));
    await people.settle();
    expect(await Promise.all(lookups)).toEqual(ssns.map(() => undefined));
    expect(people.queries.map((q) => q.length)).toEqual([500, 500, 201]);
    expect(people.queries.flat()).toEqual(ssns);
  });

  it('neither provisions nor caches an unknown person when auto-provisioning is off', async () => {
    const { profiles, people } = service();
    const unknown = profiles.profileFor('02020200002');
    await people.settle();
    expect(await unknown).toBeUndefined();
    const again = profiles.profileFor('02020200002');
    await people.settle();
    expect(await again).toBeUndefined();
    expect([people.finds, people.provisions]).toEqual([2, 0]);
  });

  it('provisions an unknown person exactly once however many requests race, when auto-provisioning is on', async () => {
    const { profiles, people } = service({ autoProvision: true });
    const racing = [profiles.profileFor('02020200002'), profiles.profileFor('02020200002')];
    await people.settle();
    await people.settle();
    const [first, second] = await Promise.all(racing);
    expect(first).toEqual({ userId: 30000001, userName: '', partyId: 60000001, partyUuid: 'uuid-1' });
    expect(second).toEqual(first);
    expect(people.provisions).toBe(1);
    expect(await profiles.profileFor('02020200002')).toEqual(first);
  });

  it('turns a database outage into a 503 with the driver error as cause, caches nothing, and recovers', async () => {
    const { profiles, people } = service();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    people.failWith = refused;
    const failing = profiles.profileFor(ANNE_SSN).catch((error: unknown) => error);
    const alsoFailing = profiles.profileFor('02020200002').catch((error: unknown) => error);
    await people.settle();
    const error = await failing;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, reason: 'database_unavailable', cause: refused });
    expect(await alsoFailing).toMatchObject({ status: 503, reason: 'database_unavailable', cause: refused });
    people.failWith = undefined;
    const recovered = profiles.profileFor(ANNE_SSN);
    await people.settle();
    expect(await recovered).toEqual(profileOf(ANNE));
  });

  it('seeds the development person only into an empty database', async () => {
    const empty = service({ seedDevelopmentProfile: true });
    empty.people.people.clear();
    await empty.profiles.onModuleInit();
    expect(empty.people.inserted).toEqual([expect.objectContaining({ ssn: '19108000239', userId: 20000011 })]);
    const filled = service({ seedDevelopmentProfile: true });
    await filled.profiles.onModuleInit();
    expect(filled.people.inserted).toEqual([]);
  });
});
