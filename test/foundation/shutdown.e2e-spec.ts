// test-database: independent (a spawned service with an environment of its own)
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { newDataDir } from '../helpers/database';
import { FakeIssuer } from '../helpers/fake-issuer';
import { spawnService, waitFor } from '../helpers/spawn';

/**
 * Stands in front of the issuer's discovery document: drops every request while it refuses, or
 * holds each one until the test releases it, so an exchange stays in flight for as long as the
 * test needs and not a fixed time.
 */
class DiscoveryGate {
  state: 'refusing' | 'holding' = 'refusing';
  private readonly held: (() => void)[] = [];
  private readonly server: Server;

  private constructor(private readonly target: string) {
    this.server = createServer((req, res) => {
      if (this.state === 'refusing') return void req.socket.destroy();
      this.held.push(() => {
        void fetch(this.target).then(async (answer) =>
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()),
        );
      });
    });
  }

  static async start(target: string): Promise<DiscoveryGate> {
    const gate = new DiscoveryGate(target);
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/oauth-authorization-server`;
  }

  get answersHeld(): number {
    return this.held.length;
  }

  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Resolves once nothing listens on the port any more: a connection to it is refused. */
async function listenerClosed(port: number): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('graceful shutdown', () => {
  let maskinporten: FakeIssuer;
  let gate: DiscoveryGate;
  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    gate = await DiscoveryGate.start(maskinporten.wellKnownUrl);
  });
  after(async () => {
    await gate.close();
    await maskinporten.close();
  });

  it('lets a request in flight when SIGTERM arrives finish, then exits 0', async () => {
    const port = await freePort();
    const { child, exited } = spawnService({
      PORT: String(port),
      DATA_DIR: newDataDir('auth-shutdown-'),
      LOG_LEVEL: 'silent',
      TEST_IDP_ENABLED: 'false',
      MASKINPORTEN_WELL_KNOWN_URLS: gate.url,
      // The held answer waits for the listener to close, however long a loaded machine takes to get there.
      UPSTREAM_TIMEOUT_MS: '60000',
      // Bounds only a shutdown that hangs; a loaded machine needs more than the default to close.
      SHUTDOWN_GRACE_SECONDS: '120',
    });
    await waitFor(`http://127.0.0.1:${port}/health/live`, undefined, exited);
    // Refused at start, the service has no keys: an exchange now needs the issuer, whose answer the gate holds.
    gate.state = 'holding';
    const token = await maskinporten.maskinportenToken();
    const send = () =>
      fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/maskinporten`, { headers: { authorization: `Bearer ${token}` } });
    // Right after the failed start the service may still refuse without asking the issuer: then ask again.
    let pending = send();
    for (;;) {
      let answered = false;
      void pending.then(
        () => (answered = true),
        () => (answered = true),
      );
      while (gate.answersHeld === 0 && !answered) await new Promise((r) => setTimeout(r, 20));
      if (gate.answersHeld > 0) break;
      await (await pending).arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
      pending = send();
    }
    child.kill('SIGTERM');
    // The exchange is still waiting for the issuer when the service stops listening.
    await listenerClosed(port);
    expect(gate.answersHeld).toBeGreaterThan(0);
    gate.release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect((await response.text()).split('.')).toHaveLength(3);
    const { code } = await exited;
    expect(code).toBe(0);
  });
});
