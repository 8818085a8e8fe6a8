import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { isDatabaseUnavailable } from '../database/database-errors';
import { auditConfig } from '../config';
import { ExchangeEvent, ExchangeEvents } from '../common/exchange-events';
import { AuthenticationEvent } from './authentication-event.entity';
import { AuthenticationEventRepository } from './authentication-event.repository';

const clip = (value: string | undefined, max: number) => (value === undefined ? null : value.slice(0, max));

/**
 * The audit trail: one row per announced exchange outcome, written in batches off the request
 * path. Queuing never waits and never throws: a full buffer drops the event and counts it.
 */
@Injectable()
export class AuditLog implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(AuditLog.name);
  private buffer: AuthenticationEvent[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private droppedCount = 0;

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
    this.outcomes.subscribe((event) => this.record(event));
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

  /** Queues the outcome's audit row. */
  private record(event: ExchangeEvent): void {
    if (this.buffer.length >= this.config.bufferSize) {
      this.droppedCount += 1;
      return;
    }
    this.buffer.push({
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
    });
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
      } catch (error) {
        if (!isDatabaseUnavailable(error)) {
          // Retrying a batch the database refuses for its content would block every later one.
          this.droppedCount += batch.length;
          this.logger.error(
            { err: { message: error instanceof Error ? error.message : String(error) } },
            `audit batch of ${batch.length} refused by the database; dropped`,
          );
          continue;
        }
        const room = Math.max(this.config.bufferSize - this.buffer.length, 0);
        this.droppedCount += Math.max(batch.length - room, 0);
        this.buffer.unshift(...batch.slice(0, room));
        this.logger.warn(`audit batch of ${batch.length} not written while the database is away; will retry`);
        return;
      }
    }
  }
}
