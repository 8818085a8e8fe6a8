import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

/** A socket with no request for this long is idle; a new one gets this long to send its first request. */
const IDLE_MS = 250;
const POLL_MS = 50;

interface SocketState {
  busy: number;
  since: number;
}

/**
 * Shuts the HTTP side down without losing a request. Node's own close() also destroys connections
 * it considers idle, among them ones just accepted whose request is not parsed yet; here the
 * listener closes alone, responses ask clients to close, and only sockets idle for a while are ended.
 */
export class ConnectionDrain {
  private readonly sockets = new Map<Socket, SocketState>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { busy: 0, since: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const state = this.sockets.get(req.socket);
      if (state) state.busy += 1;
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        if (state) {
          state.busy -= 1;
          state.since = Date.now();
        }
      });
    });
  }

  /** Stops accepting, then waits until every connection has ended or the deadline passes. */
  async drain(deadline: number): Promise<boolean> {
    this.draining = true;
    NetServer.prototype.close.call(this.server);
    while (this.sockets.size > 0 && Date.now() < deadline) {
      const now = Date.now();
      for (const [socket, state] of this.sockets) if (state.busy === 0 && now - state.since >= IDLE_MS) socket.end();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return this.sockets.size === 0;
  }
}
