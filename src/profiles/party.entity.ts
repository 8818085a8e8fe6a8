import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organisation } from '../organisations/organisation.entity';

export type PartyType = 'person' | 'organisation';

/** A party of the platform: a person (by ssn) or an organisation (by org number). */
@Entity({ name: 'parties' })
export class Party {
  @PrimaryColumn({ name: 'party_id', type: 'integer' })
  partyId: number;

  @Column({ name: 'party_uuid', type: 'uuid', unique: true })
  partyUuid: string;

  @Column({ type: 'varchar', length: 16 })
  type: PartyType;

  @Column({ type: 'varchar', length: 11, nullable: true, unique: true })
  ssn: string | null;

  @Column({ name: 'org_number', type: 'varchar', length: 9, nullable: true, unique: true })
  orgNumber: string | null;

  /** The registry entry for an organisation party; no database constraint, as the registry is a mirror. */
  @ManyToOne(() => Organisation, { createForeignKeyConstraints: false, nullable: true })
  @JoinColumn({ name: 'org_number', referencedColumnName: 'orgNumber' })
  organisation?: Organisation | null;

  @Column({ type: 'varchar', length: 256, default: '' })
  name: string;
}
