import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A service owner organisation of the platform, mirrored from the organisation source. */
@Entity({ name: 'organisations' })
export class Organisation {
  /** The organisation code, e.g. `brg`. */
  @PrimaryColumn({ name: 'org_code', type: 'varchar', length: 32 })
  orgCode: string;

  /** Nine digits; a few registry entries have none. */
  @Column({ name: 'org_number', type: 'varchar', length: 9, nullable: true, unique: true })
  orgNumber: string | null;

  @Column({ name: 'name_nb', type: 'varchar', length: 256, nullable: true })
  nameNb: string | null;

  @Column({ name: 'name_nn', type: 'varchar', length: 256, nullable: true })
  nameNn: string | null;

  @Column({ name: 'name_en', type: 'varchar', length: 256, nullable: true })
  nameEn: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  homepage: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  environments: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
