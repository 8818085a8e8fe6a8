import { request } from 'node:http';
import { freePort } from './app';
import { TcpProxy } from './tcp-proxy';
import { spawnService, Spawned, waitFor } from './spawn';

export interface Replica {
  index: number;
  port: number;
  /** This replica's own address, bypassing the proxy. */
  url: string;
  process: Spawned;
}

/** One HTTP exchange on a connection of its own, and which replica the proxy sent it to. */
export interface Answer {
  status?: number;
  body?: string;
  /** The connection failed (reset, refused) before an answer. */
  error?: string;
  /** Index of the replica the connection went to (through the proxy only). */
  replica?: number;
}

/**
 * Several real service processes (the built dist/src/main.js) on one database, behind a
 * round-robin TCP proxy whose address is their common ISSUER_URL's origin. Every process is
 * stopped by spawn.ts's after-hook, also when a test fails or times out.
 */
export class ReplicaSet {
  private constructor(
    readonly replicas: Replica[],
    readonly proxy: TcpProxy,
  ) {}

  /** The load balancer's address (http://127.0.0.1:port). */
  get url(): string {
    return `http://127.0.0.1:${this.proxy.port}`;
  }

  /** Starts `count` replicas with `env` plus their own PORT, waits until every one is ready. */
  static async start(count: number, env: (proxyUrl: string) => Record<string, string>): Promise<ReplicaSet> {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    const proxy = await TcpProxy.roundRobin(ports);
    const shared = env(`http://127.0.0.1:${proxy.port}`);
    const replicas = ports.map((port, index) => ({
      index,
      port,
      url: `http://127.0.0.1:${port}`,
      process: spawnService({ ...shared, PORT: String(port), HOST: '127.0.0.1' }),
    }));
    const set = new ReplicaSet(replicas, proxy);
    try {
      await Promise.all(replicas.map((r) => waitFor(`${r.url}/health/ready`, 120_000, r.process.exited)));
    } catch (error) {
      await set.stop();
      throw error;
    }
    return set;
  }

  /** SIGKILL: no shutdown hook runs, as when a node dies. Resolves once the process is gone. */
  async kill(index: number): Promise<void> {
    const { process } = this.replicas[index];
    process.child.kill('SIGKILL');
    await process.exited;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.replicas.map(async ({ process }) => {
        if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
        await process.exited;
      }),
    );
    await this.proxy.close();
  }

  /** GET through the proxy (or `base`) on a new connection, so each request is routed anew. */
  get(path: string, headers: Record<string, string> = {}, base = this.url): Promise<Answer> {
    return new Promise((resolve) => {
      let clientPort: number | undefined;
      const req = request(`${base}${path}`, { headers: { ...headers, connection: 'close' }, agent: false, timeout: 15_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body, replica: this.routeOf(clientPort, base) }));
        res.on('error', (error) => resolve({ error: error.message, replica: this.routeOf(clientPort, base) }));
      });
      req.on('socket', (socket) => socket.once('connect', () => (clientPort = socket.localPort)));
      req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
      req.on('error', (error) => resolve({ error: error.message, replica: this.routeOf(clientPort, base) }));
      req.end();
    });
  }

  /**
   * For the login issue's case "a login started on one replica completes on another": runs `begin`
   * against one replica's own address and `complete` against a different one's, bypassing the proxy
   * so the two steps provably meet different processes. Nothing shared in memory can carry the login.
   */
  async acrossReplicas<T, U>(begin: (url: string) => Promise<T>, complete: (url: string, begun: T) => Promise<U>): Promise<U> {
    const [first, second] = this.replicas;
    return complete(second.url, await begin(first.url));
  }

  private routeOf(clientPort: number | undefined, base: string): number | undefined {
    if (base !== this.url) return this.replicas.find((r) => r.url === base)?.index;
    return clientPort === undefined ? undefined : this.proxy.targetOf(clientPort);
  }
}
