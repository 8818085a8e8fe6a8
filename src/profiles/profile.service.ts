import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { profilesConfig } from '../config';
import { asServiceUnavailable } from '../database/database-errors';
import { DEVELOPMENT_PROFILE, maskSsn, Profile } from './profile';
import { Person, ProfileRepository } from './profile.repository';

const toProfile = ({ userId, userName, partyId, partyUuid }: Person): Profile => ({ userId, userName, partyId, partyUuid });

/** At most this many people in one lookup query. */
const MAX_LOOKUP_BATCH = 500;

interface Lookup {
  resolve: (person: Person | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * People by ssn, for the ID-porten exchange: an in-memory LRU first, then the database; concurrent
 * misses for one ssn share one lookup, and the misses of one turn of the event loop share one query
 * (a round trip per person was a quarter of the ID-porten exchange's main thread under load). Decides whether an unknown person is provisioned. A database
 * outage is a 503 for misses while cached people keep working.
 */
@Injectable()
export class ProfileService implements OnModuleInit {
  private readonly logger = new Logger(ProfileService.name);
  private readonly cache?: LRUCache<string, Profile>;
  private readonly inflight = new Map<string, Promise<Profile | undefined>>();
  /** Bumped by forgetAll: a lookup that began before it does not cache what it read. */
  private generation = 0;
  /** The ssns missed in this turn of the event loop, looked up together at its end. */
  private lookups?: Map<string, Lookup>;

  constructor(
    private readonly people: ProfileRepository,
    @Inject(profilesConfig.KEY) private readonly config: ConfigType<typeof profilesConfig>,
  ) {
    if (config.cacheTtlMs > 0) this.cache = new LRUCache({ max: config.cacheSize, ttl: config.cacheTtlMs });
  }

  async onModuleInit(): Promise<void> {
    if (this.config.seedDevelopmentProfile) await this.seedDevelopmentProfile();
  }

  /** Forgets every cached person, after an import changed who is who. */
  forgetAll(): void {
    this.generation += 1;
    this.cache?.clear();
  }

  /**
   * The person the exchange issues for: known, or (when PROFILES_AUTO_PROVISION is on) created now.
   * Undefined for an unknown person without auto-provisioning.
   */
  profileFor(ssn: string): Promise<Profile | undefined> {
    return this.config.autoProvision ? this.findOrProvision(ssn) : this.findBySsn(ssn);
  }

  /** The person with this ssn, or undefined. */
  private findBySsn(ssn: string): Promise<Profile | undefined> {
    const cached = this.cache?.get(ssn);
    if (cached) return Promise.resolve(cached);
    return this.once(ssn, ssn, () => this.lookUp(ssn));
  }

  /** Joins the turn's lookup query; `once` has made sure each ssn is asked for once. */
  private lookUp(ssn: string): Promise<Person | undefined> {
    if (!this.lookups) {
      const lookups = new Map<string, Lookup>();
      this.lookups = lookups;
      setImmediate(() => {
        this.lookups = undefined;
        this.runLookups(lookups);
      });
    }
    const lookups = this.lookups;
    return new Promise((resolve, reject) => lookups.set(ssn, { resolve, reject }));
  }

  private runLookups(lookups: Map<string, Lookup>): void {
    const ssns = [...lookups.keys()];
    for (let start = 0; start < ssns.length; start += MAX_LOOKUP_BATCH) {
      const batch = ssns.slice(start, start + MAX_LOOKUP_BATCH);
      this.people.findBySsns(batch).then(
        (found) => batch.forEach((ssn) => lookups.get(ssn)?.resolve(found.get(ssn))),
        (error: unknown) => batch.forEach((ssn) => lookups.get(ssn)?.reject(error)),
      );
    }
  }

  /** The person with this ssn, created (user and party, new ids) when unknown; exactly one however many requests race. */
  private findOrProvision(ssn: string): Promise<Profile> {
    return this.findBySsn(ssn).then(
      (found) => found ?? (this.once(`provision:${ssn}`, ssn, () => this.provision(ssn)) as Promise<Profile>),
    );
  }

  /** Runs `load` once for concurrent callers of the same key and caches what it finds under the ssn. */
  private once(key: string, ssn: string, load: () => Promise<Person | undefined>): Promise<Profile | undefined> {
    let pending = this.inflight.get(key);
    if (!pending) {
      const generation = this.generation;
      pending = load()
        .then((person) => {
          if (!person) return undefined;
          const profile = toProfile(person);
          if (generation === this.generation) this.cache?.set(ssn, profile);
          return profile;
        })
        .catch(asServiceUnavailable)
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async provision(ssn: string): Promise<Person> {
    const person = await this.people.provision(ssn);
    this.logger.log({ ssn: maskSsn(ssn), userId: person.userId }, 'profile provisioned');
    return person;
  }

  private async seedDevelopmentProfile(): Promise<void> {
    if (await this.people.hasUsers()) return;
    const p = DEVELOPMENT_PROFILE;
    await this.people.insert(p);
    this.logger.log(`development profile seeded: user ${p.userId}, party ${p.partyId}`);
  }
}
