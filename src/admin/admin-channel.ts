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
import {
  adminSocketPathOf,
  AdminEnvelope,
  AdminReply,
  MAX_ADMIN_CONNECTIONS,
  MAX_REQUEST_BYTES,
  MAX_TOKEN_FRAME_BYTES,
  TOKEN_FRAME_TIMEOUT_MS,
} from './admin-protocol';
import { AdminContext, executeAdminRequest, parseAdminRequest } from './admin-request';

/** The token of the first line, `{"token": "..."}`, or undefined when it is not that. */
function tokenOf(line: string): unknown {
  try {
    return (JSON.parse(line) as { token?: unknown } | null)?.token;
  } catch {
    return undefined;
  }
}

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
    server.maxConnections = MAX_ADMIN_CONNECTIONS;
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

  /**
   * Authenticates first: reads at most MAX_TOKEN_FRAME_BYTES, the token line, within
   * TOKEN_FRAME_TIMEOUT_MS; only a matching token lets the (large) request line be read.
   */
  private accept(socket: Socket, token: string): void {
    let chunks: Buffer[] = [];
    let size = 0;
    let authenticated = false;
    socket.setTimeout(TOKEN_FRAME_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    const refuse = (error: string) => {
      socket.removeAllListeners('data');
      this.reply(socket, { ok: false, error });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (!authenticated) {
        const buffered = Buffer.concat(chunks);
        const end = buffered.indexOf(0x0a);
        if (end === -1) {
          if (size > MAX_TOKEN_FRAME_BYTES) refuse('refused: the first line must be the token');
          return;
        }
        if (end > MAX_TOKEN_FRAME_BYTES) return refuse('refused: the first line must be the token');
        if (!sameToken(tokenOf(buffered.subarray(0, end).toString('utf8')), token)) {
          this.logger.warn('admin request refused: wrong token');
          return refuse('refused: the token does not match the lock file of this data directory');
        }
        authenticated = true;
        // The caller is the service's owner: it may take its time sending a large request.
        socket.setTimeout(60_000, () => socket.destroy());
        chunks = [buffered.subarray(end + 1)];
        size = chunks[0].length;
        if (!chunks[0].includes(0x0a) && size <= MAX_REQUEST_BYTES) return;
      } else if (!chunk.includes(0x0a) && size <= MAX_REQUEST_BYTES) return;
      if (size > MAX_REQUEST_BYTES) {
        const line = Buffer.concat(chunks);
        const end = line.indexOf(0x0a);
        if (end === -1 || end > MAX_REQUEST_BYTES) return refuse('the request is larger than the admin channel accepts');
      }
      socket.removeAllListeners('data');
      // The request is in; the command may take as long as it needs (a large import).
      socket.setTimeout(0);
      const line = Buffer.concat(chunks).toString('utf8').split('\n')[0];
      this.queue = this.queue.then(() => this.answer(line).then((reply) => this.reply(socket, reply)));
    };
    socket.on('data', onData);
  }

  private async answer(line: string): Promise<AdminReply> {
    let envelope: Partial<AdminEnvelope>;
    try {
      envelope = JSON.parse(line) as Partial<AdminEnvelope>;
    } catch {
      return { ok: false, error: 'the admin request is not JSON' };
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
