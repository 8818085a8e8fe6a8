import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { isDatabaseUnavailable } from '../database/database-errors';
import { auditConfig } from '../config';
import { ExchangeEvent, ExchangeEvents } from '../common/exchange-events';
import { AuthenticationEvent } from './authentication-event.entity';
import { AuthenticationEventRepository } from './authentication-event.repository';

/** Longest an issued token waits for its audit row: a slow database delays tokens this much at most. */
const WRITE_WAIT_MS = 1_000;

const clip = (value: string | undefined, max: number) => (value === undefined ? null : value.slice(0, max));

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
      userId: event.userId ?? null,
      systemUserId: event.systemUserId ?? null,
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
          // Retrying a batch the database refuses for its content would block every later one.
          this.droppedCount += batch.length;
          this.logger.error(
            { err: { message: error instanceof Error ? error.message : String(error) } },
            `audit batch of ${batch.length} refused by the database; dropped`,
          );
          continue;
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
}
