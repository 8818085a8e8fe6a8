import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExchangeOutcome } from '../common/exchange-events';

/** One exchange attempt, accepted or refused. Never holds a token or a person's number. */
@Entity({ name: 'authentication_events' })
export class AuthenticationEvent {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index('idx_authentication_events_occurred_at')
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 16 })
  provider: string;

  @Column({ type: 'varchar', length: 16 })
  outcome: ExchangeOutcome;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 128, nullable: true })
  clientId: string | null;

  @Column({ name: 'org_number', type: 'varchar', length: 9, nullable: true })
  orgNumber: string | null;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  @Column({ name: 'system_user_id', type: 'uuid', nullable: true })
  systemUserId: string | null;

  @Column({ name: 'supplier_org_number', type: 'varchar', length: 9, nullable: true })
  supplierOrgNumber: string | null;

  @Column({ name: 'issued_jti', type: 'varchar', length: 64, nullable: true })
  issuedJti: string | null;

  /** A refresh: the jti of the token it replaced. */
  @Column({ name: 'replaced_jti', type: 'varchar', length: 64, nullable: true })
  replacedJti: string | null;

  /** A login, logout, code redemption or refresh: the session it belongs to. */
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;
}
