// test-database: independent (the embedded database's admin channel, whatever DATABASE_URL says)
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { sendAdminRequest } from '../../src/admin/admin-client';
import { adminSocketPathOf } from '../../src/admin/admin-protocol';
import { heldLock, readLockOwner } from '../../src/database/data-directory-lock';
import { RunningApp, startApp } from '../helpers/app';
import { createTestDatabase } from '../helpers/database';

/** Opens a connection to the admin socket; `answer` is what came back before it closed, `closed` when. */
function open(path: string): { socket: Socket; closed: Promise<{ answer: string; at: number }> } {
  const socket = connect(path);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<{ answer: string; at: number }>((resolve) =>
    socket.once('close', () => resolve({ answer: Buffer.concat(chunks).toString('utf8'), at: Date.now() })),
  );
  return { socket, closed };
}

/** The admin channel of a service on an embedded data directory: the token first, then anything else. */
describe('the admin channel authenticates first', () => {
  let running: RunningApp;
  let path: string;
  let embeddedDir: string;

  before(async () => {
    // The embedded database whatever DATABASE_URL says: the channel exists only for it.
    running = await startApp({ database: await createTestDatabase(null), env: { DATABASE_URL: undefined } });
    embeddedDir = join(running.database.dataDir, 'pgdata');
    path = adminSocketPathOf(embeddedDir);
  });
  after(async () => {
    await running?.close();
  });

  it('answers a request sent after the right token', async () => {
    const owner = heldLock(embeddedDir)?.owner;
    expect(owner).toBeDefined();
    const lines = await sendAdminRequest(embeddedDir, owner as NonNullable<typeof owner>, { command: 'keys.list' } as never);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('refuses a first line longer than a token frame, without reading on', async () => {
    const { socket, closed } = open(path);
    socket.write(Buffer.alloc(4096, 0x61));
    const { answer } = await closed;
    expect(JSON.parse(answer)).toEqual({ ok: false, error: 'refused: the first line must be the token' });
  });

  it('refuses a wrong token before it reads the request that follows, and changes nothing', async () => {
    const owner = heldLock(embeddedDir)?.owner as NonNullable<ReturnType<typeof heldLock>>['owner'];
    const keysBefore = await sendAdminRequest(embeddedDir, owner, { command: 'keys.list' });
    const { socket, closed } = open(path);
    socket.write(`${JSON.stringify({ token: 'not-the-token' })}\n${JSON.stringify({ request: { command: 'keys.rotate', now: true } })}\n`);
    const { answer } = await closed;
    expect(JSON.parse(answer)).toEqual({ ok: false, error: 'refused: the token does not match the lock file of this data directory' });
    // No rotation, and the service still owns the directory under the same lock.
    expect(await sendAdminRequest(embeddedDir, owner, { command: 'keys.list' })).toEqual(keysBefore);
    expect(readLockOwner(embeddedDir)).toMatchObject({ pid: process.pid, token: owner.token });
  });

  it('closes a silent connection after a few seconds, and holds at most four at once', async () => {
    const started = Date.now();
    const silent = Array.from({ length: 4 }, () => open(path));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fifth = open(path);
    const refused = await fifth.closed;
    const closedSilent = await Promise.all(silent.map((c) => c.closed));
    // The fifth went while the four were still held open; the four went on their own, unanswered.
    for (const c of closedSilent) {
      expect(c.answer).toBe('');
      expect(refused.at).toBeLessThanOrEqual(c.at);
      expect(c.at - started).toBeGreaterThanOrEqual(4500);
    }
    expect(refused.answer).toBe('');
  });
});
