import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export type FakeIssuerMode = 'ok' | 'down' | 'error' | 'garbage' | 'slow';

/**
 * A stand-in upstream issuer on 127.0.0.1: serves a discovery document (OAuth for Maskinporten,
 * OIDC for ID-porten) and a JWKS, signs tokens with keys it generates, and can go down, slow,
 * broken, or rotate its key. Counts what it is asked.
 */
export class FakeIssuer {
  keys: IssuerKey[] = [];
  mode: FakeIssuerMode = 'ok';
  slowMs = 5000;
  readonly hits = { discovery: 0, jwks: 0 };
  /** The `traceparent` and `tracestate` each discovery or JWKS request carried (undefined: none), in order. */
  readonly traceparents: { path: string; traceparent?: string; tracestate?: string }[] = [];
  /** Answers the 'slow' mode is still holding back; cleared by close(). */
  private readonly held = new Set<NodeJS.Timeout>();
  /** The jwks_uri the discovery document names, when not this issuer's own (its keys are still served). */
  jwksUriOverride?: string;
  private server!: Server;
  private port = 0;

  private constructor(
    readonly kind: 'maskinporten' | 'idporten',
    private readonly pathPrefix: string,
  ) {}

  static async start(kind: 'maskinporten' | 'idporten', pathPrefix = `/${kind}`): Promise<FakeIssuer> {
    const issuer = new FakeIssuer(kind, pathPrefix);
    issuer.keys.push(await FakeIssuer.newKey());
    issuer.server = createServer((req, res) => issuer.handle(req, res));
    await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve));
    issuer.port = (issuer.server.address() as AddressInfo).port;
    return issuer;
  }

  static async newKey(): Promise<IssuerKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    return { kid: await calculateJwkThumbprint(publicJwk), privateKey, publicJwk };
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}${this.pathPrefix}/`;
  }

  get wellKnownUrl(): string {
    const document = this.kind === 'maskinporten' ? 'oauth-authorization-server' : 'openid-configuration';
    return `http://127.0.0.1:${this.port}${this.pathPrefix}/.well-known/${document}`;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${this.port}${this.pathPrefix}/jwks`;
  }

  /** Adds a new signing key; the old one stays published unless `dropOld`. */
  async rotate(dropOld = false): Promise<IssuerKey> {
    const key = await FakeIssuer.newKey();
    this.keys = dropOld ? [key] : [key, ...this.keys];
    return key;
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  /** Signs any payload with the current key (or the one given); header fields may be added. */
  async sign(payload: JWTPayload, options: { key?: IssuerKey; header?: Record<string, unknown> } = {}): Promise<string> {
    const key = options.key ?? this.keys[0];
    return new SignJWT(payload).setProtectedHeader({ kid: key.kid, alg: 'RS256', ...options.header }).sign(key.privateKey);
  }

  /** The seed's Maskinporten input token, with fresh times; claims may be overridden or removed (undefined). */
  maskinportenClaims(overrides: Record<string, unknown> = {}): JWTPayload {
    const now = this.now();
    return withOverrides(
      {
        aud: 'https://tt02.altinn.no/maskinporten-api/',
        scope: 'altinn:instances.write',
        iss: this.issuer,
        client_amr: 'virksomhetssertifikat',
        token_type: 'Bearer',
        exp: now + 120,
        iat: now,
        client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
        client_orgno: '974760673',
        jti: randomBytes(32).toString('base64url'),
        consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
      },
      overrides,
    );
  }

  /** The seed's ID-porten input token, with fresh times. */
  idportenClaims(overrides: Record<string, unknown> = {}): JWTPayload {
    const now = this.now();
    return withOverrides(
      {
        at_hash: 'IF-jpSLtMjzoHdEhLq9pnw',
        sub: 'PZcxQYOR_ylbrlj69pXn_HdTmrpDRpA3X0rTyOEyN5I=',
        amr: ['Minid-PIN'],
        iss: this.issuer,
        pid: '19108000239',
        locale: 'nb',
        nonce: '1584978003167642',
        sid: 'bQDBkJmjrX3bx2agu4q7BS5QW6TPf9CHnJX11vEthZg',
        aud: '38e634d9-5682-44ae-9b60-db636efe3156',
        acr: 'Level3',
        auth_time: now,
        exp: now + 120,
        iat: now,
        jti: randomBytes(32).toString('base64url'),
      },
      overrides,
    );
  }

  async maskinportenToken(overrides: Record<string, unknown> = {}): Promise<string> {
    return this.sign(this.maskinportenClaims(overrides));
  }

  async idportenToken(overrides: Record<string, unknown> = {}): Promise<string> {
    return this.sign(this.idportenClaims(overrides));
  }

  /** How many answers the 'slow' mode holds back right now. */
  get answersHeld(): number {
    return this.held.size;
  }

  close(): Promise<void> {
    for (const timer of this.held) clearTimeout(timer);
    this.held.clear();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '';
    const isDiscovery = path === new URL(this.wellKnownUrl).pathname;
    const isJwks = path === new URL(this.jwksUrl).pathname;
    if (isDiscovery) this.hits.discovery += 1;
    if (isJwks) this.hits.jwks += 1;
    if (isDiscovery || isJwks)
      this.traceparents.push({
        path,
        traceparent: req.headers.traceparent as string | undefined,
        tracestate: req.headers.tracestate as string | undefined,
      });
    if (!isDiscovery && !isJwks) {
      res.writeHead(404).end();
      return;
    }
    if (this.mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (this.mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      return;
    }
    if (this.mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json');
      return;
    }
    const body = isDiscovery
      ? { issuer: this.issuer, jwks_uri: this.jwksUriOverride ?? this.jwksUrl, token_endpoint: `${this.issuer}token` }
      : { keys: this.keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'RS256', use: 'sig' })) };
    const send = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (this.mode === 'slow') {
      const timer = setTimeout(() => {
        this.held.delete(timer);
        send();
      }, this.slowMs);
      this.held.add(timer);
    } else {
      send();
    }
  }
}

function withOverrides(base: JWTPayload, overrides: Record<string, unknown>): JWTPayload {
  const result: Record<string, unknown> = { ...base, ...overrides };
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete result[name];
  return result;
}
