import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { replaceControlCharacters } from '../common/claims';
import { Clock } from '../common/clock';
import { isDatabaseUnavailable } from '../database/database-errors';
import { auditConfig } from '../config';
import { ExchangeEvent, ExchangeEvents } from '../common/exchange-events';
import { AuthenticationEvent } from './authentication-event.entity';
import { AuthenticationEventRepository } from './authentication-event.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A text column's value: bounded, every control or bidi character replaced by U+FFFD. */
const clip = (value: string | undefined, max: number) => (value === undefined ? null : replaceControlCharacters(value.slice(0, max)));

/**
 * What is left of a row the database refused even alone: when, who decided what and why, without
 * the fields that came from outside (client id, org numbers, ids, jtis), marked as such.
 */
function sanitised(row: AuthenticationEvent): AuthenticationEvent {
  return {
    ...row,
    reason: clip(`audit_row_refused:${row.reason ?? ''}`, 64),
    clientId: null,
    orgNumber: null,
    userId: null,
    systemUserId: null,
    supplierOrgNumber: null,
    issuedJti: null,
    replacedJti: null,
  };
}

/** Longest an issued token waits for its audit row: a slow database delays tokens this much at most. */
const WRITE_WAIT_MS = 1_000;

/**
 * The audit trail: one row per announced exchange outcome, written in batches. Queuing never throws:
 * a full buffer drops the event and counts it. With AUDIT_WRITE_BEFORE_RESPONSE (the default), an
 * issued token leaves only once its row is committed (a group commit: the requests of a moment share
 * one INSERT), so a replica killed under load has audited every token it handed out. A slow database
 * holds a token back for at most WRITE_WAIT_MS; while one is away, tokens do not wait (their rows stay
 * buffered for the next flush) until a write succeeds again.
 */
@Injectable()
export class AuditLog implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(AuditLog.name);
  private buffer: AuthenticationEvent[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private droppedCount = 0;
  private flushScheduled = false;
  /** The last write found the database away: tokens stop waiting for rows until one is written again. */
  private databaseAway = false;
  /** Issued tokens waiting for their row, released when it is written (or cannot be for now). */
  private readonly waiting = new Map<AuthenticationEvent, () => void>();

  constructor(
    private readonly events: AuthenticationEventRepository,
    private readonly clock: Clock,
    private readonly outcomes: ExchangeEvents,
    @Inject(auditConfig.KEY) private readonly config: ConfigType<typeof auditConfig>,
  ) {}

  get dropped(): number {
    return this.droppedCount;
  }

  get pending(): number {
    return this.buffer.length;
  }

  onModuleInit(): void {
    this.outcomes.subscribe((event) => {
      const row = this.record(event);
      if (row && event.outcome === 'issued' && this.config.writeBeforeResponse && !this.databaseAway) return this.written(row);
    });
    this.timer = setInterval(() => void this.flush(), this.config.flushMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Queues the outcome's audit row; undefined when the buffer is full and it was dropped. */
  private record(event: ExchangeEvent): AuthenticationEvent | undefined {
    if (this.buffer.length >= this.config.bufferSize) {
      this.droppedCount += 1;
      return undefined;
    }
    const row: AuthenticationEvent = {
      id: randomUUID(),
      occurredAt: new Date(this.clock.now()),
      provider: event.provider,
      outcome: event.outcome,
      reason: clip(event.reason, 64),
      clientId: clip(event.clientId, 128),
      orgNumber: clip(event.orgNumber, 9),
      userId: Number.isSafeInteger(event.userId) ? (event.userId as number) : null,
      systemUserId: event.systemUserId !== undefined && UUID.test(event.systemUserId) ? event.systemUserId : null,
      supplierOrgNumber: clip(event.supplierOrgNumber, 9),
      issuedJti: clip(event.issuedJti, 64),
      replacedJti: clip(event.replacedJti, 64),
      sessionId: event.sessionId ?? null,
    };
    this.buffer.push(row);
    return row;
  }

  /** Settles once the row is written, or cannot be for now, or after WRITE_WAIT_MS; never rejects. */
  private written(row: AuthenticationEvent): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(release, WRITE_WAIT_MS);
      const waiting = this.waiting;
      function release() {
        clearTimeout(timer);
        waiting.delete(row);
        resolve();
      }
      this.waiting.set(row, release);
      // Every row queued in this turn of the event loop goes into the same INSERT.
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          void this.flush();
        });
      }
    });
  }

  private release(rows: AuthenticationEvent[]): void {
    if (this.waiting.size === 0) return;
    for (const row of rows) this.waiting.get(row)?.();
  }

  /** Writes everything buffered; concurrent callers share one run. A failed batch goes back in line. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.config.batchSize);
      try {
        await this.events.insertBatch(batch);
        this.databaseAway = false;
        this.release(batch);
      } catch (error) {
        // Written or not, the tokens waiting for these rows go now: the database decides nothing about them.
        this.release(batch);
        if (!isDatabaseUnavailable(error)) {
          // Refused for its content: one row's, most likely. Retrying the batch would block every
          // later one, so each row is written alone, and a row refused alone is stored sanitised.
          if (await this.insertOneByOne(batch)) continue;
          this.logger.warn('audit rows not written while the database is away; will retry');
          return;
        }
        this.databaseAway = true;
        const room = Math.max(this.config.bufferSize - this.buffer.length, 0);
        this.droppedCount += Math.max(batch.length - room, 0);
        this.buffer.unshift(...batch.slice(0, room));
        this.logger.warn(`audit batch of ${batch.length} not written while the database is away; will retry`);
        return;
      }
    }
  }

  /**
   * Writes a refused batch row by row, so that no good row is lost to a bad one. False when the
   * database went away meanwhile; the rows not yet written are back in line then.
   */
  private async insertOneByOne(batch: AuthenticationEvent[]): Promise<boolean> {
    for (const [index, row] of batch.entries()) {
      try {
        await this.events.insertBatch([row]);
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          // Gone meanwhile: the rest goes back in line for the next flush.
          this.buffer.unshift(...batch.slice(index));
          return false;
        }
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error(
          {
            err: { message: replaceControlCharacters(message).slice(0, 200) },
            auditId: row.id,
            provider: row.provider,
            outcome: row.outcome,
          },
          'audit row refused by the database; stored without its upstream fields',
        );
        try {
          await this.events.insertBatch([sanitised(row)]);
        } catch (again) {
          if (isDatabaseUnavailable(again)) {
            this.buffer.unshift(...batch.slice(index));
            return false;
          }
          this.droppedCount += 1;
          this.logger.error({ auditId: row.id }, 'audit row refused by the database even sanitised; dropped');
        }
      }
    }
    return true;
  }
}
