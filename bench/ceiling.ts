// The ceiling: a bare node:http server doing only the irreducible work of one exchange — verify the
// token with a cached key, build the claims, sign with a loaded key — under the same load.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ceilingWork } from './ceiling-work';

async function main(): Promise<void> {
  const work = await ceilingWork(process.env.BENCH_UPSTREAM as string);
  const server = createServer((req, res) => {
    work((req.headers.authorization ?? '').slice(7)).then(
      (signed) => res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(signed),
      () => res.writeHead(401).end(),
    );
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  process.on('disconnect', () => process.exit(0));
}

void main();
