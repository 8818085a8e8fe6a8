import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Client, Notification } from 'pg';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config';
import { announce, ANNOUNCEMENT_CHANNEL, ANNOUNCEMENT_KINDS, AnnouncementKind, parseAnnouncement } from './announcement';

/** What a replica does when `kind` changed elsewhere: reload that cache from the database. */
export type AnnouncementHandler = () => Promise<void> | void;

/** First wait before reconnecting a lost listening connection; doubled per failure up to the maximum. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 15_000;

/**
 * Changes announced between replicas on PostgreSQL (LISTEN/NOTIFY on one channel): the code that
 * writes keys, people or organisations announces it, and every replica's handlers reload within
 * moments instead of at their next poll. Polling stays as the fallback. A lost listening connection
 * reconnects with backoff and then reloads everything, since announcements sent meanwhile are lost.
 * The embedded database has one owner: nothing to announce, and its admin channel reloads directly.
 */
@Injectable()
export class Announcements implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Announcements.name);
  private readonly handlers = new Map<AnnouncementKind, AnnouncementHandler[]>();
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private failures = 0;
  /** Clients whose loss was handled already ('error' and 'end' both come). */
  private readonly gone = new WeakSet<Client>();
  private stopped = false;
  /** Counts since start, for the metrics. */
  readonly stats = { received: new Map<AnnouncementKind, number>(), reconnects: 0, listening: false };

  constructor(
    @Inject(databaseConfig.KEY) private readonly database: ConfigType<typeof databaseConfig>,
    private readonly dataSource: DataSource,
  ) {}

  /** Runs `handler` whenever `kind` is announced, and after the listening connection was lost and is back. */
  subscribe(kind: AnnouncementKind, handler: AnnouncementHandler): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }

  /**
   * Tells every replica (this one too) that `kind` changed. Does nothing on the embedded database.
   * Never throws: an announcement that cannot be sent leaves the others to their next poll.
   */
  async publish(kind: AnnouncementKind): Promise<void> {
    if (!this.database.url) return;
    try {
      await announce(this.dataSource, kind);
    } catch (error) {
      this.logger.warn({ err: error, kind }, 'could not announce a change; the other replicas see it at their next poll');
    }
  }

  /** Whether this replica hears announcements now (false on the embedded database). */
  get listening(): boolean {
    return this.stats.listening;
  }

  async onModuleInit(): Promise<void> {
    if (!this.database.url) return;
    // A failure here is not fatal: the service starts on polling and keeps trying to listen.
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.stats.listening = false;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.database.url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client.on('notification', (message) => this.receive(message));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${ANNOUNCEMENT_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    const recovered = this.failures > 0;
    this.client = client;
    this.failures = 0;
    this.stats.listening = true;
    if (recovered) {
      this.stats.reconnects += 1;
      this.logger.log('listening for announcements again; reloading everything that may have changed meanwhile');
      await this.dispatch(ANNOUNCEMENT_KINDS);
    }
  }

  /** The connection failed or ended: once per client, schedule the next attempt. */
  private lost(client: Client, error?: unknown): void {
    if (this.stopped || this.gone.has(client)) return;
    this.gone.add(client);
    if (this.client === client) this.client = undefined;
    this.stats.listening = false;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const delay = Math.min(RECONNECT_FIRST_MS * 2 ** this.failures, RECONNECT_MAX_MS);
    this.failures += 1;
    const reason = error instanceof Error ? error.message : 'the connection ended';
    this.logger.warn(`not listening for announcements (${reason}); polling meanwhile, retrying in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => void this.listen(), delay);
    this.reconnectTimer.unref();
  }

  private receive(message: Notification): void {
    if (message.channel !== ANNOUNCEMENT_CHANNEL) return;
    const announcement = parseAnnouncement(message.payload);
    if (!announcement) {
      this.logger.debug('ignored an announcement this version does not know');
      return;
    }
    this.stats.received.set(announcement.kind, (this.stats.received.get(announcement.kind) ?? 0) + 1);
    void this.dispatch([announcement.kind]);
  }

  private async dispatch(kinds: readonly AnnouncementKind[]): Promise<void> {
    const runs = kinds.flatMap((kind) =>
      (this.handlers.get(kind) ?? []).map(async (handler) => {
        try {
          await handler();
        } catch (error) {
          this.logger.warn({ err: error, kind }, 'reload after an announcement failed; the next poll retries');
        }
      }),
    );
    await Promise.all(runs);
  }
}
