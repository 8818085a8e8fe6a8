import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy a test can cut (every connection dropped, new ones accepted and dropped),
 * make refuse (every connection dropped, the port closed: ECONNREFUSED) and restore. Given several
 * targets it balances: each new connection goes to the next target in turn, as a Kubernetes Service
 * without session affinity does, and it remembers which target each client port was sent to, so a
 * test can tell the connections to a replica it killed from the others.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly routes = new Map<number, number>();
  private next = 0;
  private open = true;
  private readonly server: Server;
  private listeningPort = 0;

  private constructor(
    private readonly host: string,
    private readonly targetPorts: readonly number[],
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  get port(): number {
    return this.listeningPort;
  }

  static start(host: string, targetPort: number): Promise<TcpProxy> {
    return TcpProxy.listening(host, [targetPort]);
  }

  /** A load balancer in front of the servers on these loopback ports. */
  static roundRobin(targetPorts: readonly number[]): Promise<TcpProxy> {
    return TcpProxy.listening('127.0.0.1', targetPorts);
  }

  private static async listening(host: string, targetPorts: readonly number[]): Promise<TcpProxy> {
    const proxy = new TcpProxy(host, targetPorts);
    await proxy.listen(0);
    proxy.listeningPort = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** The index of the target the connection from this client port was sent to. */
  targetOf(clientPort: number): number | undefined {
    return this.routes.get(clientPort);
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  /** Drops every connection and stops listening, so that new ones are refused by the kernel. */
  async refuse(): Promise<void> {
    this.cut();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    this.open = true;
    if (!this.server.listening) await this.listen(this.listeningPort);
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private listen(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    if (!this.open) {
      client.destroy();
      return;
    }
    const target = this.next;
    this.next = (this.next + 1) % this.targetPorts.length;
    if (client.remotePort !== undefined) this.routes.set(client.remotePort, target);
    const upstream = createConnection(this.targetPorts[target], this.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
