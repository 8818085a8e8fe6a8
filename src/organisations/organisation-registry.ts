import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Announcements } from '../announcements/announcements';
import { Clock } from '../common/clock';
import { ReadinessRegistry } from '../common/readiness';
import { organisationsConfig } from '../config';
import { loadOrganisations, OrganisationRecord } from './organisation-source';
import { OrganisationSync } from './organisation-sync.entity';
import { OrganisationRepository } from './organisation.repository';

/**
 * The organisation source cannot be read or parsed at start and no list was synced before: the
 * service would issue tokens without `org` for registered organisations, so it does not start.
 */
export class OrganisationSourceUnavailableError extends Error {
  constructor(source: string, cause: string) {
    super(`ORGANISATIONS_SOURCE=${source} cannot be used (${cause}) and the database holds no organisation list synced before`);
    this.name = 'OrganisationSourceUnavailableError';
  }
}

/**
 * The organisations by org number, in memory: the exchange reads this, never the database.
 * Synced from ORGANISATIONS_SOURCE at start-up and every ORGANISATIONS_REFRESH_MINUTES; a bad
 * source keeps the last good data. Without a source, the database table is the truth.
 */
@Injectable()
export class OrganisationRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OrganisationRegistry.name);
  private byNumber = new Map<string, OrganisationRecord>();
  private timer?: NodeJS.Timeout;
  private syncedAt?: number;
  /** Why the last sync failed, while the source stays bad. */
  private failure?: string;

  constructor(
    private readonly stored: OrganisationRepository,
    private readonly clock: Clock,
    private readonly readiness: ReadinessRegistry,
    private readonly announcements: Announcements,
    @Inject(organisationsConfig.KEY) private readonly config: ConfigType<typeof organisationsConfig>,
  ) {}

  /**
   * Loads the list the database holds, then syncs from the source. A source that fails at start is
   * fatal unless an earlier sync left a list in the database: then the service starts on that one.
   */
  async onModuleInit(): Promise<void> {
    const previous = await this.loadFromDatabase();
    const source = this.config.source;
    if (source && !(await this.sync())) {
      if (this.byNumber.size === 0) throw new OrganisationSourceUnavailableError(source, this.failure ?? 'unknown error');
      this.syncedAt = previous?.syncedAt.getTime();
      const synced = previous ? `synced from ${previous.source} at ${previous.syncedAt.toISOString()}` : 'synced before';
      this.logger.warn(
        `starting on the ${this.byNumber.size} organisations ${synced}: ORGANISATIONS_SOURCE=${source} cannot be used (${this.failure})`,
      );
    }
    this.readiness.register('organisations', () => this.readinessResult());
    this.announcements.subscribe('organisations', () => this.reloadFromDatabase());
    this.timer = setInterval(() => void this.sync(), this.config.refreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  byOrgNumber(orgNumber: string): OrganisationRecord | undefined {
    return this.byNumber.get(orgNumber);
  }

  get size(): number {
    return this.byNumber.size;
  }

  /** Epoch ms of the last successful sync from the source, if any. */
  get lastSyncedAt(): number | undefined {
    return this.syncedAt;
  }

  /** Mirrors the source into the table and the index. Returns false (and warns once) on a bad source. */
  async sync(): Promise<boolean> {
    if (!this.config.source) return true;
    try {
      const { organisations, skipped } = await loadOrganisations(this.config.source, this.config.timeoutMs);
      if (skipped.length > 0)
        this.logger.warn(`organisation source: ${skipped.length} entries skipped (${skipped.slice(0, 5).join('; ')})`);
      const changed = await this.stored.replaceAll(organisations);
      await this.stored.recordSync({
        syncedAt: new Date(this.clock.now()),
        source: this.config.source.slice(0, 2048),
        organisationCount: organisations.length,
      });
      if (changed > 0) this.logger.log(`organisations synced: ${changed} changed of ${organisations.length}`);
      this.index(organisations);
      this.syncedAt = this.clock.now();
      this.failure = undefined;
      // The replicas whose own sync is not due yet take the new list from the table now.
      if (changed > 0) await this.announcements.publish('organisations');
      return true;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      this.logger.warn(`organisations not refreshed from ${this.config.source}: ${this.failure}; keeping ${this.byNumber.size} known`);
      return false;
    }
  }

  /** Up with the list's size and age; down only when a source is configured and nothing is known. */
  private readinessResult() {
    const details: Record<string, unknown> = { count: this.byNumber.size };
    if (this.syncedAt !== undefined) {
      details.syncedAt = new Date(this.syncedAt).toISOString();
      details.ageSeconds = Math.max(0, Math.round((this.clock.now() - this.syncedAt) / 1000));
    }
    if (this.failure) details.lastError = 'the organisation source cannot be used; serving the last synced list';
    return { up: !this.config.source || this.byNumber.size > 0, details };
  }

  /** Another replica synced a changed list: index the table's, and take its sync time. */
  private async reloadFromDatabase(): Promise<void> {
    const synced = await this.loadFromDatabase();
    if (synced) this.syncedAt = Math.max(this.syncedAt ?? 0, synced.syncedAt.getTime());
  }

  /** Indexes the stored organisations; returns when and from where they were synced, if ever. */
  private async loadFromDatabase(): Promise<OrganisationSync | undefined> {
    this.index(await this.stored.all());
    return this.stored.lastSync();
  }

  private index(records: OrganisationRecord[]): void {
    const map = new Map<string, OrganisationRecord>();
    for (const r of records) if (r.orgNumber) map.set(r.orgNumber, r);
    this.byNumber = map;
  }
}
