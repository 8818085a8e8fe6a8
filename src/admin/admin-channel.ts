import { timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { CommandError } from '../common/cli';
import { databaseConfig, keysConfig, loginConfig, tokenConfig } from '../config';
import { heldLock } from '../database/data-directory-lock';
import { KeyRing } from '../keys/key-ring';
import { keyTimings } from '../keys/key-schedule';
import { KeyEncryption } from '../keys/key-encryption';
import { SigningKeyRepository } from '../keys/signing-key.repository';
import { ProfileService } from '../profiles/profile.service';
import { adminSocketPathOf, AdminEnvelope, AdminReply, MAX_REQUEST_BYTES } from './admin-protocol';
import { AdminContext, executeAdminRequest, parseAdminRequest } from './admin-request';

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The admin commands' way into a service that owns an embedded data directory: a Unix socket beside
 * the directory (mode 0600), and a token only readers of the lock file (mode 0600) know. Commands run
 * one at a time on the service's own connection, so nothing else ever opens the directory, and their
 * effects are live when the command returns: keys reloaded, the profile cache emptied.
 */
@Injectable()
export class AdminChannel implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AdminChannel.name);
  private server?: Server;
  private socketPath?: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly context: AdminContext;

  constructor(
    @Inject(databaseConfig.KEY) private readonly database: ConfigType<typeof databaseConfig>,
    @Inject(keysConfig.KEY) keys: ConfigType<typeof keysConfig>,
    @Inject(tokenConfig.KEY) token: ConfigType<typeof tokenConfig>,
    @Inject(loginConfig.KEY) login: ConfigType<typeof loginConfig>,
    dataSource: DataSource,
    signingKeys: SigningKeyRepository,
    encryption: KeyEncryption,
    clock: Clock,
    private readonly keyRing: KeyRing,
    private readonly profiles: ProfileService,
  ) {
    this.context = {
      dataSource,
      keys: signingKeys,
      encryption: () => encryption,
      timings: keyTimings(keys, token),
      now: () => clock.now(),
      httpsRedirectUrisOnly: login.httpsRedirectUrisOnly,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const lock = this.database.url ? undefined : heldLock(this.database.embeddedDir);
    if (!lock) return;
    const path = adminSocketPathOf(this.database.embeddedDir);
    // We hold the directory's lock, so a socket file left there is a dead owner's.
    rmSync(path, { force: true });
    const server = createServer((socket) => this.accept(socket, lock.owner.token));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
    server.on('error', (error) => this.logger.error({ err: error }, 'admin channel failed'));
    this.server = server;
    this.socketPath = path;
    this.logger.log(`admin commands are served on ${path}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.queue.catch(() => undefined);
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }

  private accept(socket: Socket, token: string): void {
    const chunks: Buffer[] = [];
    let size = 0;
    socket.setTimeout(60_000, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        socket.removeAllListeners('data');
        this.reply(socket, { ok: false, error: 'the request is larger than the admin channel accepts' });
        return;
      }
      chunks.push(chunk);
      if (!chunk.includes(0x0a)) return;
      socket.removeAllListeners('data');
      // The request is in; the command may take as long as it needs (a large import).
      socket.setTimeout(0);
      const line = Buffer.concat(chunks).toString('utf8').split('\n')[0];
      this.queue = this.queue.then(() => this.answer(line, token).then((reply) => this.reply(socket, reply)));
    });
  }

  private async answer(line: string, token: string): Promise<AdminReply> {
    let envelope: Partial<AdminEnvelope>;
    try {
      envelope = JSON.parse(line) as Partial<AdminEnvelope>;
    } catch {
      return { ok: false, error: 'the admin request is not JSON' };
    }
    if (!sameToken(envelope.token, token)) {
      this.logger.warn('admin request refused: wrong token');
      return { ok: false, error: 'refused: the token does not match the lock file of this data directory' };
    }
    try {
      const request = parseAdminRequest(envelope.request);
      const outcome = await executeAdminRequest(this.context, request);
      if (outcome.keysChanged) await this.keyRing.refresh();
      if (outcome.profilesChanged) this.profiles.forgetAll();
      this.logger.log({ command: request.command }, 'admin command done');
      return { ok: true, lines: outcome.lines };
    } catch (error) {
      if (error instanceof CommandError) return { ok: false, error: error.message };
      this.logger.error({ err: error }, 'admin command failed');
      return { ok: false, error: `failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private reply(socket: Socket, reply: AdminReply): void {
    if (!socket.destroyed) socket.end(`${JSON.stringify(reply)}\n`);
  }
}
