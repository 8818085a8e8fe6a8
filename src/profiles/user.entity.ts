import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { Party } from './party.entity';

/** A person's user on the platform, found by ssn (ID-porten's pid). */
@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'user_name', type: 'varchar', length: 64, default: '' })
  userName: string;

  @Column({ type: 'varchar', length: 11, unique: true })
  ssn: string;

  /** A user's party cannot be deleted while the user exists. */
  @Column({ name: 'party_id', type: 'integer' })
  @ForeignKey(() => Party, { onDelete: 'RESTRICT' })
  partyId: number;
}
