// test-database: independent (reads of upstream documents)
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MAX_DOCUMENT_BYTES } from '../../src/common/upstream-fetch';
import { OrganisationRegistry } from '../../src/organisations/organisation-registry';
import { MAX_SOURCE_BYTES } from '../../src/organisations/organisation-source';
import { TokenVerifier } from '../../src/trusted-issuers/token-verifier';
import { RunningApp, startApp } from '../helpers/app';

const HUGE = 400 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

type Answer = 'ok' | 'chunked' | 'declared';

/**
 * An upstream gone hostile: each document can be small and valid, or 400 MB of whitespace, sent
 * chunked (no length) or behind an honest Content-Length. Counts what it managed to send.
 */
class HostileUpstream {
  readonly answers: Record<'discovery' | 'jwks' | 'orgs', Answer> = { discovery: 'ok', jwks: 'ok', orgs: 'ok' };
  /** Bytes handed to the socket for the last huge answer, and whether the client hung up before the end. */
  last = { sent: 0, cut: false, done: Promise.resolve() };
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const which =
      req.url === '/.well-known/oauth-authorization-server'
        ? 'discovery'
        : req.url === '/jwks'
          ? 'jwks'
          : req.url === '/orgs'
            ? 'orgs'
            : undefined;
    if (!which) return void res.writeHead(404).end();
    if (this.answers[which] === 'ok') {
      const small = {
        discovery: { issuer: `${this.url}/`, jwks_uri: `${this.url}/jwks` },
        jwks: { keys: [] },
        orgs: { orgs: { brg: { name: { nb: 'Brønnøysundregistrene' }, orgnr: '974760673' } } },
      }[which];
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(small));
    }
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (this.answers[which] === 'declared') headers['content-length'] = HUGE;
    res.writeHead(200, headers);
    this.last = { sent: 0, cut: false, done: Promise.resolve() };
    const last = this.last;
    last.done = new Promise<void>((resolve) => {
      res.on('close', () => {
        last.cut = last.sent < HUGE;
        resolve();
      });
      const pump = () => {
        while (last.sent < HUGE && !res.destroyed) {
          last.sent += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
  }
}

/** Runs `work` while sampling this process's RSS (the app runs in it); returns the growth over the baseline. */
async function rssGrowth(work: () => Promise<unknown>): Promise<number> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage.rss()) - baseline;
}

describe('upstream documents are read with a byte cap', () => {
  let upstream: HostileUpstream;
  let running: RunningApp;
  const issuer = () => running.app.get(TokenVerifier).issuersOf('maskinporten')[0];

  before(async () => {
    upstream = new HostileUpstream();
    await upstream.start();
    running = await startApp({
      env: {
        MASKINPORTEN_WELL_KNOWN_URLS: `${upstream.url}/.well-known/oauth-authorization-server`,
        ORGANISATIONS_SOURCE: `${upstream.url}/orgs`,
        UPSTREAM_TIMEOUT_MS: '30000',
      },
    });
    await issuer().refresh();
    expect([issuer().ready, issuer().stats.lastError]).toEqual([true, undefined]);
  });
  after(async () => {
    await running.close();
    await upstream.close();
  });

  it('cancels a 400 MB chunked JWKS just past the cap, with memory flat (it used to read it all)', async (t) => {
    upstream.answers.jwks = 'chunked';
    const growth = await rssGrowth(() => issuer().refresh());
    await upstream.last.done;
    t.diagnostic(`RSS growth ${(growth / 1048576).toFixed(1)} MB; upstream sent ${(upstream.last.sent / 1048576).toFixed(1)} MB of 400 MB`);
    expect(issuer().stats.lastError).toBe(`${upstream.url}/jwks: the document is larger than ${MAX_DOCUMENT_BYTES} bytes; read cancelled`);
    expect(upstream.last.cut).toBe(true);
    // Socket buffers hold a few MB on loopback; the other 390+ MB were never sent.
    expect(upstream.last.sent).toBeLessThan(HUGE / 25);
    expect(growth).toBeLessThan(HUGE / 8);
    expect(issuer().ready).toBe(true);
  });

  it('refuses a JWKS whose Content-Length is over the cap before reading it', async (t) => {
    upstream.answers.jwks = 'declared';
    const growth = await rssGrowth(() => issuer().refresh());
    await upstream.last.done;
    t.diagnostic(`RSS growth ${(growth / 1048576).toFixed(1)} MB; upstream sent ${(upstream.last.sent / 1048576).toFixed(1)} MB of 400 MB`);
    expect(issuer().stats.lastError).toBe(
      `${upstream.url}/jwks: Content-Length ${HUGE} is over the cap of ${MAX_DOCUMENT_BYTES} bytes; not read`,
    );
    expect(upstream.last.cut).toBe(true);
    expect(upstream.last.sent).toBeLessThan(HUGE / 25);
    expect(growth).toBeLessThan(HUGE / 8);
  });

  it('cancels a 400 MB discovery document the same way', async (t) => {
    upstream.answers.jwks = 'ok';
    upstream.answers.discovery = 'chunked';
    // Discovery is read again once JWKS_REFRESH_SECONDS have passed.
    running.clock.advance(3600_000);
    const growth = await rssGrowth(() => issuer().refresh());
    await upstream.last.done;
    t.diagnostic(`RSS growth ${(growth / 1048576).toFixed(1)} MB; upstream sent ${(upstream.last.sent / 1048576).toFixed(1)} MB of 400 MB`);
    expect(issuer().stats.lastError).toMatch(/oauth-authorization-server: the document is larger than 524288 bytes; read cancelled$/);
    expect(upstream.last.cut).toBe(true);
    expect(upstream.last.sent).toBeLessThan(HUGE / 25);
    expect(growth).toBeLessThan(HUGE / 8);
  });

  for (const answer of ['chunked', 'declared'] as const) {
    it(`stops a 400 MB organisation source (${answer}) at its cap and keeps the organisations it has`, async (t) => {
      const registry = running.app.get(OrganisationRegistry);
      expect(registry.byOrgNumber('974760673')?.orgCode).toBe('brg');
      upstream.answers.orgs = answer;
      let synced: boolean | undefined;
      const growth = await rssGrowth(async () => (synced = await registry.sync()));
      await upstream.last.done;
      t.diagnostic(
        `RSS growth ${(growth / 1048576).toFixed(1)} MB; upstream sent ${(upstream.last.sent / 1048576).toFixed(1)} MB of 400 MB`,
      );
      expect(synced).toBe(false);
      expect(upstream.last.cut).toBe(true);
      // The organisation cap is larger (32 MB), so more may be in flight, still far from 400 MB.
      expect(upstream.last.sent).toBeLessThan(MAX_SOURCE_BYTES + 16 * 1024 * 1024);
      expect(growth).toBeLessThan(HUGE / 4);
      expect(registry.byOrgNumber('974760673')?.orgCode).toBe('brg');
    });
  }
});
