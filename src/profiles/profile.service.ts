import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { DataSource, EntityManager } from 'typeorm';
import { profilesConfig } from '../config';
import { asServiceUnavailable } from '../database/database-errors';
import { DEVELOPMENT_PROFILE, maskSsn, PARTY_ID_SEQUENCE, Profile, USER_ID_SEQUENCE } from './profile';

interface ProfileRow {
  user_id: number;
  user_name: string;
  party_id: number;
  party_uuid: string;
}

const toProfile = (row: ProfileRow): Profile => ({
  userId: Number(row.user_id),
  userName: row.user_name ?? '',
  partyId: Number(row.party_id),
  partyUuid: row.party_uuid,
});

const FIND_BY_SSN = `SELECT u.user_id, u.user_name, p.party_id, p.party_uuid
  FROM users u JOIN parties p ON p.party_id = u.party_id WHERE u.ssn = $1`;

/**
 * People by ssn: an in-memory LRU first, then the database; concurrent misses for one ssn share
 * one query. A database outage is a 503 for misses while cached people keep working.
 */
@Injectable()
export class ProfileService implements OnModuleInit {
  private readonly logger = new Logger(ProfileService.name);
  private readonly cache?: LRUCache<string, Profile>;
  private readonly inflight = new Map<string, Promise<Profile | undefined>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(profilesConfig.KEY) private readonly config: ConfigType<typeof profilesConfig>,
  ) {
    if (config.cacheTtlMs > 0) this.cache = new LRUCache({ max: config.cacheSize, ttl: config.cacheTtlMs });
  }

  async onModuleInit(): Promise<void> {
    if (this.config.seedDevelopmentProfile) await this.seedDevelopmentProfile();
  }

  get autoProvision(): boolean {
    return this.config.autoProvision;
  }

  /** The person with this ssn, or undefined. */
  findBySsn(ssn: string): Promise<Profile | undefined> {
    const cached = this.cache?.get(ssn);
    if (cached) return Promise.resolve(cached);
    return this.once(ssn, ssn, async () => {
      const rows = await this.dataSource.query<ProfileRow[]>(FIND_BY_SSN, [ssn]);
      return rows[0] ? toProfile(rows[0]) : undefined;
    });
  }

  /**
   * The person with this ssn, created (user and party, new ids) when unknown. Exactly one is
   * created however many requests race: unique ssn constraints decide, the losers read the winner.
   */
  findOrProvision(ssn: string): Promise<Profile> {
    return this.findBySsn(ssn).then(
      (found) =>
        found ??
        (this.once(`provision:${ssn}`, ssn, () => this.dataSource.transaction((manager) => this.provision(manager, ssn))) as Promise<Profile>),
    );
  }

  /** Runs `load` once for concurrent callers of the same key and caches what it finds under the ssn. */
  private once(key: string, ssn: string, load: () => Promise<Profile | undefined>): Promise<Profile | undefined> {
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = load()
        .then((profile) => {
          if (profile) this.cache?.set(ssn, profile);
          return profile;
        })
        .catch(asServiceUnavailable)
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async provision(manager: EntityManager, ssn: string): Promise<Profile> {
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
    const rows = await manager.query<ProfileRow[]>(FIND_BY_SSN, [ssn]);
    if (!rows[0]) throw new Error('provisioned profile not found');
    this.logger.log({ ssn: maskSsn(ssn), userId: rows[0].user_id }, 'profile provisioned');
    return toProfile(rows[0]);
  }

  private async seedDevelopmentProfile(): Promise<void> {
    const [{ count }] = await this.dataSource.query<{ count: number }[]>('SELECT count(*)::int AS count FROM users');
    if (Number(count) > 0) return;
    const p = DEVELOPMENT_PROFILE;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO parties (party_id, party_uuid, type, ssn, name) VALUES ($1, $2, 'person', $3, $4) ON CONFLICT DO NOTHING`, [
        p.partyId,
        p.partyUuid,
        p.ssn,
        p.name,
      ]);
      await manager.query(`INSERT INTO users (user_id, user_name, ssn, party_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        p.userId,
        p.userName,
        p.ssn,
        p.partyId,
      ]);
    });
    this.logger.log(`development profile seeded: user ${p.userId}, party ${p.partyId}`);
  }
}
