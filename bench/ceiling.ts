// The ceiling: a bare node:http server doing only the irreducible work of one exchange — verify the
// token with a cached key, build the claims, sign with a loaded key — under the same load.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';

async function main(): Promise<void> {
  const upstream = process.env.BENCH_UPSTREAM as string;
  const jwks = createLocalJWKSet((await (await fetch(`${upstream}/maskinporten/jwks`)).json()) as never);
  const { privateKey } = await generateKeyPair('RS256');
  const issuer = `${upstream}/maskinporten/`;
  const server = createServer((req, res) => {
    const token = (req.headers.authorization ?? '').slice(7);
    jwtVerify(token, jwks, { algorithms: ['RS256'], issuer })
      .then(({ payload }) => {
        const consumer = payload.consumer as { ID: string };
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({
          scope: payload.scope,
          client_id: payload.client_id,
          consumer,
          orgNumber: Number(consumer.ID.slice(5)),
          iss: 'https://bench.invalid/',
          iat: now,
          nbf: now,
          exp: now + 1800,
          jti: randomBytes(32).toString('base64url'),
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'ceiling', typ: 'JWT' })
          .sign(privateKey);
      })
      .then(
        (signed) => res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(signed),
        () => res.writeHead(401).end(),
      );
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  process.on('disconnect', () => process.exit(0));
}

void main();
