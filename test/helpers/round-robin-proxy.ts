import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP load balancer: each new connection goes to the next target in turn, as a
 * Kubernetes Service without session affinity does. It remembers which target each client port was
 * sent to, so a test can tell the connections to a replica it killed from the others.
 */
export class RoundRobinProxy {
  private readonly sockets = new Set<Socket>();
  private readonly routes = new Map<number, number>();
  private next = 0;
  private readonly server: Server;

  private constructor(private readonly targetPorts: number[]) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetPorts: number[]): Promise<RoundRobinProxy> {
    const proxy = new RoundRobinProxy(targetPorts);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The index of the target the connection from this client port was sent to. */
  targetOf(clientPort: number): number | undefined {
    return this.routes.get(clientPort);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const target = this.next;
    this.next = (this.next + 1) % this.targetPorts.length;
    if (client.remotePort !== undefined) this.routes.set(client.remotePort, target);
    const upstream = createConnection(this.targetPorts[target], '127.0.0.1');
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
