import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { OrganisationRecord } from './organisation-source';
import { OrganisationSync } from './organisation-sync.entity';
import { Organisation } from './organisation.entity';

function sameRecord(stored: Organisation | undefined, record: OrganisationRecord): boolean {
  return (
    stored !== undefined &&
    stored.orgNumber === record.orgNumber &&
    stored.nameNb === record.nameNb &&
    stored.nameNn === record.nameNn &&
    stored.nameEn === record.nameEn &&
    stored.homepage === record.homepage &&
    JSON.stringify(stored.environments) === JSON.stringify(record.environments)
  );
}

/** The organisations and organisation_sync tables, through TypeORM's EntityManager. */
@Injectable()
export class OrganisationRepository {
  constructor(private readonly dataSource: DataSource) {}

  all(): Promise<Organisation[]> {
    return this.dataSource.manager.find(Organisation);
  }

  /** When, from where and how many organisations were last synced; undefined before the first sync. */
  async lastSync(): Promise<OrganisationSync | undefined> {
    return (await this.dataSource.manager.findOneBy(OrganisationSync, { id: 1 })) ?? undefined;
  }

  /** Replaces the record of the last sync (one row). */
  async recordSync(sync: Omit<OrganisationSync, 'id'>): Promise<void> {
    await this.dataSource.manager.upsert(OrganisationSync, { id: 1, ...sync }, ['id']);
  }

  /**
   * Makes the table hold exactly `organisations`, in one transaction, touching only the rows that
   * differ. Returns how many rows changed.
   */
  replaceAll(organisations: OrganisationRecord[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const stored = new Map((await manager.find(Organisation)).map((o) => [o.orgCode, o]));
      const incoming = new Set(organisations.map((o) => o.orgCode));
      const removed = [...stored.keys()].filter((code) => !incoming.has(code));
      const updates = organisations.filter((o) => !sameRecord(stored.get(o.orgCode), o));
      if (removed.length === 0 && updates.length === 0) return 0;
      for (let i = 0; i < removed.length; i += 1000) await manager.delete(Organisation, { orgCode: In(removed.slice(i, i + 1000)) });
      // An org number moving between codes must leave its old row first, or the unique index trips.
      const moving = updates.filter((o) => stored.get(o.orgCode)?.orgNumber !== o.orgNumber).map((o) => o.orgCode);
      for (let i = 0; i < moving.length; i += 1000) {
        await manager.update(Organisation, { orgCode: In(moving.slice(i, i + 1000)) }, { orgNumber: null });
      }
      for (let i = 0; i < updates.length; i += 500) await manager.upsert(Organisation, updates.slice(i, i + 500), ['orgCode']);
      return removed.length + updates.length;
    });
  }
}
