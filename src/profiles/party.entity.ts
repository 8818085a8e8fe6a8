import { Column, Entity, PrimaryColumn } from 'typeorm';

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

  @Column({ type: 'varchar', length: 256, default: '' })
  name: string;
}
