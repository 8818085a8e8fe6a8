import { connect } from 'node:net';
import { CommandError } from '../common/cli';
import { LockOwner, ownerAlive, readLockOwner } from '../database/data-directory-lock';
import { adminSocketPathOf, AdminEnvelope, AdminReply } from './admin-protocol';
import type { AdminRequest } from './admin-request';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exchange(path: string, envelope: AdminEnvelope): Promise<AdminReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const chunks: Buffer[] = [];
    socket.once('connect', () =>
      socket.write(`${JSON.stringify({ token: envelope.token })}\n${JSON.stringify({ request: envelope.request })}\n`),
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      try {
        resolve(JSON.parse(text) as AdminReply);
      } catch {
        reject(new CommandError('the running service closed the admin channel without an answer'));
      }
    });
  });
}

/**
 * Sends one command to the service that owns the embedded data directory and returns what it
 * printed. A service still starting has no socket yet: wait for it while it lives (up to `waitMs`).
 */
export async function sendAdminRequest(embeddedDir: string, owner: LockOwner, request: AdminRequest, waitMs = 60_000): Promise<string[]> {
  const path = adminSocketPathOf(embeddedDir);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const reply = await exchange(path, { token: owner.token, request });
      if (!reply.ok) throw new CommandError(reply.error);
      return reply.lines;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw error;
      const current = readLockOwner(embeddedDir);
      if (current?.token !== owner.token || !ownerAlive(owner)) {
        throw new CommandError(`the service (process ${owner.pid}) that had ${embeddedDir} open has stopped; run the command again`);
      }
      if (Date.now() > deadline) {
        throw new CommandError(`the service (process ${owner.pid}) that has ${embeddedDir} open does not answer on ${path}`);
      }
      await sleep(200);
    }
  }
}
