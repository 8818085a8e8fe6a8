import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { deriveSettings, parseEnvironment, startUpRefusal } from '../../src/config';
import { TEST_IDP_LOGIN_CLIENT } from '../../src/config/settings';
import { freePort, startApp, type RunningApp } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { EXCHANGE } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { OtlpReceiver, SPAN_KIND, STATUS, type ReceivedSpan } from '../helpers/otlp-receiver';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, TOKEN_PATH } from '../helpers/token-endpoint';
import { spawnService, waitFor, type Spawned } from '../helpers/spawn';
import { CookieJar, loginOverHttp, PID } from '../login/login-helpers';

const KEY_ENCRYPTION_KEY = 'tracing-test-key-encryption-secret-0123456789';
const COLLECTOR_SECRET = 'collector-secret-3f9a1c7e5b2d4a6c8e0f';
const MASKINPORTEN_ROUTE = `${EXCHANGE}/maskinporten`;
const IDPORTEN_ROUTE = `${EXCHANGE}/id-porten`;
const REFRESH_ROUTE = '/authentication/api/v1/refresh';
const CALLBACK_ROUTE = '/authentication/api/v1/upstream/callback';
/** A key in the organisation source's query, as some sources want: never on a span. */
const SOURCE_KEY = 'source-key-8d2e6b0a4c1f3e5d7b9a';
const SOURCE_ORG_NUMBER = '974760673';

/** The organisation source over HTTP, recording the traceparent of each fetch. */
async function startOrganisationSource(): Promise<{ server: Server; url: string; traceparents: (string | undefined)[] }> {
  const traceparents: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    traceparents.push(req.headers.traceparent as string | undefined);
    const name = { nb: 'Brønnøysundregistrene', nn: 'Brønnøysundregistera', en: 'Brønnøysund Register Centre' };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ orgs: { brg: { name, orgnr: SOURCE_ORG_NUMBER, homepage: '', environments: ['tt02'] } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/orgs/altinn-orgs.json`, traceparents };
}

/** A W3C traceparent a client would send: a fresh trace, its own span, sampled. */
function clientTrace(): { traceId: string; parentId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
}

/** The spans of a trace below `root`, each with its parent in the trace (none left dangling). */
function descendants(spans: ReceivedSpan[], root: ReceivedSpan): ReceivedSpan[] {
  const below = new Set([root.spanId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const span of spans)
      if (!below.has(span.spanId) && below.has(span.parentSpanId)) {
        below.add(span.spanId);
        grew = true;
      }
  }
  return spans.filter((span) => span !== root && below.has(span.spanId));
}

// The first two parts start a service each (one spawned, one in this process): side by side, their
// start-ups overlap instead of adding up.
describe('tracing', { concurrency: true }, () => {
  // In order: the last tests read what the ones before sent (the log lines, the no-leak search).
  describe('traces of the running service (OTLP/HTTP JSON to a collector on loopback)', { concurrency: false }, () => {
    let receiver: OtlpReceiver;
    let maskinporten: FakeIssuer;
    let idporten: FakeIssuer;
    let database: TestDatabase;
    let service: Spawned;
    let base: string;
    let organisations: Awaited<ReturnType<typeof startOrganisationSource>>;
    /** The trace of the request sent unsampled, to find on its log line. */
    let unsampledTraceId = '';
    /** Every token the tests sent, for the no-leak search. */
    const tokens: string[] = [];

    before(async () => {
      receiver = await new OtlpReceiver().start();
      maskinporten = await FakeIssuer.start('maskinporten');
      idporten = await FakeIssuer.start('idporten');
      database = await createTestDatabase();
      organisations = await startOrganisationSource();
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      service = spawnService({
        ...database.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '0',
        KEY_ENCRYPTION_KEY,
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        // The login's upstream is the first: test ID-porten, served by the service itself (the fake
        // issuer signs tokens but runs no code flow); the exchanges trust the fake one as well.
        TEST_IDP_ENABLED: 'true',
        IDPORTEN_WELL_KNOWN_URLS: `${base}/test-idp/idporten/.well-known/openid-configuration,${idporten.wellKnownUrl}`,
        // The service fetches its own test IdP's discovery and keys: on a loaded machine that can outlast the 3 s default.
        UPSTREAM_TIMEOUT_MS: '20000',
        ORGANISATIONS_SOURCE: `${organisations.url}?key=${SOURCE_KEY}`,
        JWKS_COOLDOWN_SECONDS: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: `x-collector-key=${COLLECTOR_SECRET}`,
        OTEL_SERVICE_NAME: 'authentication-under-test',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,service.namespace=platform',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      });
      await waitFor(`${base}/health/ready`, 120_000, service.exited);
    });

    after(async () => {
      service.child.kill('SIGTERM');
      await service.exited;
      await receiver.close();
      await maskinporten.close();
      await idporten.close();
      organisations.server.close();
      await database.drop();
    });

    /** GET an exchange with a bearer token and the given headers; the token is kept for the no-leak search. */
    async function exchangeTraced(route: string, token: string, headers: Record<string, string>): Promise<Response> {
      tokens.push(token);
      const response = await fetch(`${base}${route}`, { headers: { ...headers, authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      return response;
    }

    it("continues a client's trace: the server span's parent is the client's span, and a Maskinporten exchange's spans hang below it", async () => {
      const client = clientTrace();
      const response = await exchangeTraced(MASKINPORTEN_ROUTE, await maskinporten.maskinportenToken(), {
        traceparent: client.traceparent,
        tracestate: 'vendor=opaque',
        'x-request-id': 'trace-test-maskinporten',
      });
      expect(response.status).toBe(200);
      const server = await receiver.waitForSpan(client.traceId, `GET ${MASKINPORTEN_ROUTE}`);
      expect(server).toMatchObject({
        parentSpanId: client.parentId,
        kind: SPAN_KIND.server,
        status: { code: STATUS.ok },
        attributes: {
          'http.request.method': 'GET',
          'http.route': MASKINPORTEN_ROUTE,
          'http.response.status_code': 200,
          'authentication.correlation_id': 'trace-test-maskinporten',
          'authentication.provider': 'maskinporten',
          'authentication.outcome': 'issued',
        },
        resource: { 'service.name': 'authentication-under-test', 'deployment.environment.name': 'test', 'service.namespace': 'platform' },
      });
      // The signing span ends before the server span; both arrive in the same or an earlier batch.
      const below = await receiver.waitFor(() => {
        const found = descendants(receiver.trace(client.traceId), server);
        return found.some((s) => s.name === 'sign token') ? found : undefined;
      });
      const verify = below.find((span) => span.name === 'verify token');
      expect(verify).toMatchObject({
        parentSpanId: server.spanId,
        kind: SPAN_KIND.internal,
        attributes: { 'authentication.provider': 'maskinporten', 'authentication.outcome': 'verified' },
      });
      expect(below.find((span) => span.name === 'sign token')).toMatchObject({
        kind: SPAN_KIND.internal,
        attributes: { 'authentication.signing_algorithm': 'RS256', 'authentication.key_id': expect.any(String) },
      });
      // Every span of the trace is the server span or below it: nothing dangles.
      expect(receiver.trace(client.traceId).length).toBe(below.length + 1);
    });

    it('traces an ID-porten exchange with its database lookup as a client span below the server span', async () => {
      const client = clientTrace();
      // A person this service has not seen: the profile is not cached, so it is looked up (and provisioned).
      const pid = '05107012345';
      const response = await exchangeTraced(IDPORTEN_ROUTE, await idporten.idportenToken({ pid }), { traceparent: client.traceparent });
      expect(response.status).toBe(200);
      const server = await receiver.waitForSpan(client.traceId, `GET ${IDPORTEN_ROUTE}`);
      expect(server).toMatchObject({
        parentSpanId: client.parentId,
        status: { code: STATUS.ok },
        attributes: { 'http.route': IDPORTEN_ROUTE, 'authentication.provider': 'idporten', 'authentication.outcome': 'issued' },
      });
      const below = descendants(receiver.trace(client.traceId), server);
      const queries = below.filter((span) => span.attributes['db.system.name'] === 'postgresql');
      expect(queries.length).toBeGreaterThan(0);
      for (const query of queries) {
        expect(query.kind).toBe(SPAN_KIND.client);
        expect(query.attributes['db.operation.name']).toMatch(/^[A-Z]+$/);
      }
      expect(queries.some((q) => q.attributes['db.operation.name'] === 'SELECT' && q.attributes['db.collection.name'] === 'users')).toBe(
        true,
      );
      expect(below.find((span) => span.name === 'verify token')?.attributes).toMatchObject({
        'authentication.provider': 'idporten',
        'authentication.outcome': 'verified',
      });
      expect(below.some((span) => span.name === 'sign token')).toBe(true);
    });

    it("marks a refused token's server span as an error with the refusal reason, and its verification span with the same reason", async () => {
      const client = clientTrace();
      const expired = await maskinporten.maskinportenToken({ exp: maskinporten.now() - 3600 });
      const response = await exchangeTraced(MASKINPORTEN_ROUTE, expired, { traceparent: client.traceparent });
      expect(response.status).toBe(401);
      const server = await receiver.waitForSpan(client.traceId, `GET ${MASKINPORTEN_ROUTE}`);
      expect(server).toMatchObject({
        status: { code: STATUS.error, message: 'expired' },
        attributes: {
          'http.response.status_code': 401,
          'authentication.outcome': 'refused',
          'authentication.refusal_reason': 'expired',
        },
      });
      const verify = receiver.trace(client.traceId).find((span) => span.name === 'verify token');
      expect(verify).toMatchObject({
        parentSpanId: server.spanId,
        status: { code: STATUS.error, message: 'expired' },
        attributes: { 'authentication.outcome': 'refused', 'authentication.refusal_reason': 'expired', 'error.type': 'expired' },
      });
      expect(receiver.trace(client.traceId).some((span) => span.name === 'sign token')).toBe(false);
    });

    it("traces an upstream JWKS refetch as a client span below verification, and the fetch carries its traceparent and the caller's tracestate", async () => {
      // A key the service has not seen yet: an unknown kid refetches the JWKS (after the 1 s cooldown).
      const key = await maskinporten.rotate();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const client = clientTrace();
      const response = await exchangeTraced(MASKINPORTEN_ROUTE, await maskinporten.sign(maskinporten.maskinportenClaims(), { key }), {
        traceparent: client.traceparent,
        tracestate: 'caller=kept',
      });
      expect(response.status).toBe(200);
      const server = await receiver.waitForSpan(client.traceId, `GET ${MASKINPORTEN_ROUTE}`);
      const spans = receiver.trace(client.traceId);
      const verify = spans.find((span) => span.name === 'verify token');
      const jwks = spans.find((span) => span.name === 'GET jwks');
      expect(verify?.parentSpanId).toBe(server.spanId);
      expect(jwks).toMatchObject({
        parentSpanId: verify?.spanId,
        kind: SPAN_KIND.client,
        attributes: {
          'http.request.method': 'GET',
          'url.full': maskinporten.jwksUrl,
          'server.address': '127.0.0.1',
          'http.response.status_code': 200,
          'authentication.upstream': 'jwks',
        },
      });
      const sent = maskinporten.traceparents.filter((request) => request.traceparent?.includes(client.traceId));
      expect(sent).toEqual([
        { path: new URL(maskinporten.jwksUrl).pathname, traceparent: `00-${client.traceId}-${jwks?.spanId}-01`, tracestate: 'caller=kept' },
      ]);
    });

    it('traces the organisation source fetch at start-up as a client span of its own, without the query, and sends it traceparent', async () => {
      const fetched = await receiver.waitFor((spans) => spans.find((span) => span.name === 'GET organisations'));
      expect(fetched).toMatchObject({
        parentSpanId: '',
        kind: SPAN_KIND.client,
        status: { code: STATUS.unset },
        attributes: {
          'http.request.method': 'GET',
          'url.full': organisations.url,
          'server.address': '127.0.0.1',
          'http.response.status_code': 200,
          'authentication.upstream': 'organisations',
        },
      });
      expect(organisations.traceparents).toContain(`00-${fetched.traceId}-${fetched.spanId}-01`);
    });

    it("traces a refresh: our own token's verification (provider platform) and the signing hang below its server span", async () => {
      const exchanged = await fetch(`${base}${MASKINPORTEN_ROUTE}`, {
        headers: { authorization: `Bearer ${await maskinporten.maskinportenToken()}` },
      });
      expect(exchanged.status).toBe(200);
      const ours = await exchanged.text();
      const client = clientTrace();
      const response = await exchangeTraced(REFRESH_ROUTE, ours, { traceparent: client.traceparent });
      expect(response.status).toBe(200);
      const server = await receiver.waitForSpan(client.traceId, `GET ${REFRESH_ROUTE}`);
      expect(server).toMatchObject({ parentSpanId: client.parentId, status: { code: STATUS.ok } });
      const below = await receiver.waitFor(() => {
        const found = descendants(receiver.trace(client.traceId), server);
        return found.some((s) => s.name === 'sign token') ? found : undefined;
      });
      expect(below.find((span) => span.name === 'verify token')).toMatchObject({
        parentSpanId: server.spanId,
        attributes: { 'authentication.provider': 'platform', 'authentication.outcome': 'verified' },
      });
      expect(receiver.trace(client.traceId).length).toBe(below.length + 1);
    });

    it("continues a client's trace through POST /token whose body comes after the headers: the spans after the body parser hang below the server span", async () => {
      const client = clientTrace();
      const subject = await maskinporten.maskinportenToken();
      tokens.push(subject);
      const form = new URLSearchParams({ grant_type: TOKEN_EXCHANGE, subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE });
      // The body in a later packet, as a slow client sends it: the trace is entered again with the
      // request context after the body parser (src/common/request-context.ts).
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          controller.enqueue(new TextEncoder().encode(form.toString()));
          controller.close();
        },
      });
      const response = await fetch(`${base}${TOKEN_PATH}`, {
        method: 'POST',
        headers: { traceparent: client.traceparent, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        duplex: 'half',
      });
      expect(response.status).toBe(200);
      tokens.push(((await response.json()) as { access_token: string }).access_token);
      const server = await receiver.waitForSpan(client.traceId, `POST ${TOKEN_PATH}`);
      expect(server).toMatchObject({
        parentSpanId: client.parentId,
        status: { code: STATUS.ok },
        attributes: { 'authentication.provider': 'maskinporten', 'authentication.outcome': 'issued' },
      });
      const below = await receiver.waitFor(() => {
        const found = descendants(receiver.trace(client.traceId), server);
        return found.some((s) => s.name === 'sign token') ? found : undefined;
      });
      expect(below.find((span) => span.name === 'verify token')?.parentSpanId).toBe(server.spanId);
      expect(receiver.trace(client.traceId).length).toBe(below.length + 1);
    });

    it("traces the login's call to ID-porten's token endpoint as a client span that carries traceparent, with no code, token, pid or secret", async () => {
      const jar = new CookieJar();
      // The development login demo is a public client of our login: it starts at our /authorize.
      const demo = await jar.get(`${base}/test-idp/login-demo`);
      expect(demo.status).toBe(303);
      const client = clientTrace();
      let upstreamCode = '';
      const landed = await loginOverHttp(
        jar,
        demo.headers.get('location') as string,
        {},
        (callback) => {
          upstreamCode = new URL(callback).searchParams.get('code') ?? '';
          return callback;
        },
        { traceparent: client.traceparent },
      );
      expect(landed.status).toBe(303);
      const ourCode = new URL(landed.headers.get('location') as string).searchParams.get('code') as string;
      expect(upstreamCode).not.toBe('');
      tokens.push(upstreamCode, ourCode);
      const upstream = (await (await fetch(`${base}/test-idp/idporten/.well-known/openid-configuration`)).json()) as {
        token_endpoint: string;
      };

      const server = await receiver.waitForSpan(client.traceId, `GET ${CALLBACK_ROUTE}`);
      expect(server).toMatchObject({ parentSpanId: client.parentId, kind: SPAN_KIND.server });
      const redeem = await receiver.waitFor(() =>
        descendants(receiver.trace(client.traceId), server).find((span) => span.name === 'POST token'),
      );
      expect(redeem).toMatchObject({
        kind: SPAN_KIND.client,
        status: { code: STATUS.unset },
        attributes: {
          'http.request.method': 'POST',
          'url.full': upstream.token_endpoint,
          'server.address': '127.0.0.1',
          'http.response.status_code': 200,
          'authentication.upstream': 'token',
        },
      });
      // The token endpoint continued the trace the request's traceparent named: its server span hangs below the client span.
      const answered = await receiver.waitFor(() =>
        receiver.trace(client.traceId).find((span) => span.kind === SPAN_KIND.server && span.parentSpanId === redeem.spanId),
      );
      expect(answered.attributes['http.route']).toBe(new URL(upstream.token_endpoint).pathname);
      const attributes = JSON.stringify(redeem.attributes);
      const basic = Buffer.from(`${TEST_IDP_LOGIN_CLIENT.clientId}:${TEST_IDP_LOGIN_CLIENT.clientSecret}`).toString('base64');
      for (const value of [upstreamCode, ourCode, TEST_IDP_LOGIN_CLIENT.clientSecret, basic, PID])
        expect({ value, found: attributes.includes(value) }).toEqual({ value, found: false });
      expect(attributes).not.toMatch(/eyJ[\w-]+\./);
    });

    it('exports nothing of a request its caller did not sample, and still answers it', async () => {
      const client = clientTrace();
      const response = await exchangeTraced(MASKINPORTEN_ROUTE, await maskinporten.maskinportenToken(), {
        traceparent: `00-${client.traceId}-${client.parentId}-00`,
        'x-request-id': 'trace-test-unsampled',
      });
      expect(response.status).toBe(200);
      // A sampled request after it: once its server span is in, the unsampled one would have been too.
      const later = clientTrace();
      await exchangeTraced(MASKINPORTEN_ROUTE, await maskinporten.maskinportenToken(), { traceparent: later.traceparent });
      await receiver.waitForSpan(later.traceId, `GET ${MASKINPORTEN_ROUTE}`);
      expect(receiver.trace(client.traceId)).toEqual([]);
      unsampledTraceId = client.traceId;
    });

    it('starts a trace of its own for a request without traceparent, and sends the collector the configured headers', async () => {
      const response = await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'trace-test-untraced' } });
      expect(response.status).toBe(200);
      const server = await receiver.waitFor((spans) =>
        spans.find((span) => span.attributes['authentication.correlation_id'] === 'trace-test-untraced'),
      );
      expect(server).toMatchObject({ parentSpanId: '', kind: SPAN_KIND.server, attributes: { 'http.route': '/health/live' } });
      expect(receiver.exports.length).toBeGreaterThan(0);
      expect(receiver.exports.every((e) => e.contentType.startsWith('application/json'))).toBe(true);
    });

    it('writes trace_id and span_id on the lines logged in a span: the request line carries its server span', async () => {
      service.child.kill('SIGTERM');
      const { stdout, code } = await service.exited;
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const requestLine = lines.find((line) => line.reqId === 'trace-test-maskinporten' && line.res);
      const server = receiver.spans.find((span) => span.attributes['authentication.correlation_id'] === 'trace-test-maskinporten');
      expect(requestLine).toMatchObject({ trace_id: server?.traceId, span_id: server?.spanId, trace_flags: '01' });
      // An unsampled request's line carries its caller's trace (flag off), for the logs to meet the caller's.
      expect(lines.find((line) => line.reqId === 'trace-test-unsampled' && line.res)).toMatchObject({
        trace_id: unsampledTraceId,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        trace_flags: '00',
      });
      // Every request line (the four exchanges above; probes log at debug) was written in its server span.
      const requestLines = lines.filter((line) => line.reqId !== undefined && line.res);
      expect(requestLines.length).toBeGreaterThanOrEqual(4);
      for (const line of requestLines) expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
    });

    it('exports no token, token part, pid, full organisation number or secret in any span', () => {
      const everything = receiver.exports.map((e) => e.body.toString('utf8')).join('\n');
      expect(everything.length).toBeGreaterThan(1000);
      const forbidden = [
        ...tokens.flatMap((token) => [token, ...token.split('.')]),
        '05107012345',
        '19108000239',
        '974760673',
        KEY_ENCRYPTION_KEY,
        COLLECTOR_SECRET,
        SOURCE_KEY,
        TEST_IDP_LOGIN_CLIENT.clientSecret,
        'Bearer',
      ];
      for (const value of forbidden) expect({ value, found: everything.includes(value) }).toEqual({ value, found: false });
    });
  });

  describe('tracing with an unreachable collector', () => {
    let running: RunningApp;
    let maskinporten: FakeIssuer;

    before(async () => {
      maskinporten = await FakeIssuer.start('maskinporten');
      const closedPort = await freePort();
      running = await startApp({
        env: {
          MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
          OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
          OTEL_BSP_SCHEDULE_DELAY: '50',
          OTEL_BSP_MAX_QUEUE_SIZE: '16',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '8',
        },
      });
      await waitFor(`${running.url}/health/ready`, 60_000);
    });
    after(async () => {
      await running.close();
      await maskinporten.close();
    });

    it('answers every exchange and counts the spans it could not export, by reason, in the metrics', async () => {
      const token = await maskinporten.maskinportenToken();
      for (let round = 0; round < 4; round++) {
        const responses = await Promise.all(
          Array.from({ length: 10 }, () =>
            fetch(`${running.url}${MASKINPORTEN_ROUTE}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
              await r.arrayBuffer();
              return r.status;
            }),
          ),
        );
        expect(responses).toEqual(Array.from({ length: 10 }, () => 200));
      }
      const dropped = async (reason: string) => {
        const text = await (await fetch(`${running.url}/metrics`)).text();
        const line = text.split('\n').find((l) => l.startsWith(`authentication_trace_spans_dropped_total{reason="${reason}"}`));
        return Number(line?.split(' ')[1] ?? Number.NaN);
      };
      // 40 exchanges of about four spans each against a queue of 16: some overflow, the rest fail to export.
      await receiverless(async () => (await dropped('export_failed')) > 0);
      expect(await dropped('queue_full')).toBeGreaterThan(0);
      expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
    });
  });

  describe('tracing configuration', () => {
    const refusals = [
      ['OTEL_TRACES_SAMPLER', 'sometimes', 'must be one of always_on, always_off, traceidratio'],
      ['OTEL_TRACES_SAMPLER_ARG', '1.5', 'must be a sampling ratio from 0 to 1'],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', 'must be http/protobuf or http/json (grpc is not supported)'],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'must be an http(s) URL'],
    ] as const;

    // main.ts's check in this process: the line it prints before it exits 1. That exit, with nothing
    // else printed, is shown once for every refusal by a spawned start in test/foundation/configuration.
    for (const [name, value, rule] of refusals) {
      it(`refuses to start with ${name}=${value}, in one line`, () => {
        let line: string | undefined;
        try {
          deriveSettings(parseEnvironment({ [name]: value, OTEL_SERVICE_NAME: 'refused', DATA_DIR: '/nonexistent/never-used' }));
        } catch (error) {
          line = startUpRefusal(error);
        }
        expect(line?.split('\n')).toEqual([expect.stringContaining(`${name} ${rule}`)]);
        expect(line).toContain(`(got "${value}")`);
      });
    }
  });
});

/** Polls until the check holds (exports fail on the processor's timer, not at once). */
async function receiverless(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('no export failure was counted in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
