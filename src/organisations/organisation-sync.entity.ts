import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last successful sync of the organisation list: one row, so a restart knows how old its list is. */
@Entity({ name: 'organisation_sync' })
export class OrganisationSync {
  /** Always 1. */
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ name: 'synced_at', type: 'timestamptz' })
  syncedAt: Date;

  @Column({ type: 'varchar', length: 2048 })
  source: string;

  @Column({ name: 'organisation_count', type: 'integer' })
  organisationCount: number;
}
