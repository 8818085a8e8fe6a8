import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
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

  @Column({ name: 'party_id', type: 'integer' })
  partyId: number;

  @ManyToOne(() => Party, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'party_id' })
  party?: Party;
}
