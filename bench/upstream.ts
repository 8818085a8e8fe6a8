// A separate process standing in for Maskinporten and ID-porten during the benchmark: discovery
// documents and JWKS on 127.0.0.1. Its private keys go to the parent, which signs the load's tokens.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

async function issuerKey() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' }, privateJwk: { ...(await exportJWK(privateKey)), kid } };
}

async function main(): Promise<void> {
  const keys = { maskinporten: await issuerKey(), idporten: await issuerKey() };
  let base = '';
  const server = createServer((req, res) => {
    const match = /^\/(maskinporten|idporten)\/(\.well-known\/[a-z-]+|jwks)$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const name = match[1] as keyof typeof keys;
    const body = match[2] === 'jwks' ? { keys: [keys[name].publicJwk] } : { issuer: `${base}/${name}/`, jwks_uri: `${base}/${name}/jwks` };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1', () => {
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.send?.({ base, keys: { maskinporten: keys.maskinporten.privateJwk, idporten: keys.idporten.privateJwk } });
  });
  process.on('disconnect', () => process.exit(0));
}

void main();
