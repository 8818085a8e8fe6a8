import { randomUUID } from 'node:crypto';
import { maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ConfigType } from '@nestjs/config';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME } from './common/openapi';
import { ROUTES } from './common/routes';
import { FrameworkLinesAtDebug } from './logging/framework-lines-at-debug';
import { httpConfig } from './config';
import { ConnectionDrain } from './common/connection-drain';
import { PinoLoggerService, requestId } from './logging/logging.module';
import { plain, problemResponse } from './problem-details/problem-details';
import { createValidationPipe } from './common/validation';
import { openRequestContext, runInRequestContext } from './common/request-context';
import { bodyParsers, securityHeaders } from './common/request-pipeline';

const BODY_LIMIT = '16kb';

const REQUEST_LINE = /^[A-Z]{1,16} (\/[^ ?#\r\n]{0,2048})/;

/** The path of the request Node could not parse, from its first line; `/` when even that is unreadable. */
function instanceOf(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): string {
  const head = err.rawPacket?.subarray(0, 2100).toString('latin1');
  return (head && REQUEST_LINE.exec(head)?.[1]) || '/';
}

/**
 * Node answers malformed requests itself, before Express; we answer them with the filter's renderer,
 * in the same problem+json shape, with the request's path and a correlation id.
 */
function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const rendered = tooLarge
      ? plain(431, `the request headers are larger than ${Math.round(maxHeaderSize / 1024)} KB`)
      : plain(400, 'the request could not be parsed');
    const correlationId = randomUUID();
    const problem = problemResponse(rendered, instanceOf(err), correlationId);
    const headers = {
      ...problem.headers,
      'Content-Length': String(Buffer.byteLength(problem.body)),
      'x-request-id': correlationId,
      Connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${problem.status} ${rendered.problem.title}\r\n${head}\r\n${problem.body}`);
  });
}

/** The OpenAPI document at /docs-json and its UI at /docs, from the package's own assets (no CDN). */
function serveOpenApi(app: NestExpressApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Authentication')
    .setDescription(
      'Exchanges Maskinporten and ID-porten access tokens for the platform’s own RS256 tokens, and publishes the keys to verify them.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .build();
  SwaggerModule.setup(ROUTES.docs, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: ROUTES.docsJson,
    raw: ['json'],
    customSiteTitle: 'Authentication API',
  });
}

/** Everything main.ts does to the app besides listening, shared with the end-to-end tests. */
export function configureApp(app: NestExpressApplication): ConnectionDrain {
  const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
  app.useLogger(new FrameworkLinesAtDebug(app.get(PinoLoggerService)));
  app.disable('x-powered-by');
  app.set('trust proxy', http.trustProxy);
  // API defaults: no framing, no sniffing, a strict CSP (the test IdP's page loads its script from us).
  // On plain http, no upgrade to https, no HSTS, no COOP: the dev server works under any host name.
  // Pages get the whole set, the token endpoints only what applies to a token (see request-pipeline).
  app.use(
    securityHeaders({
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: http.httpsOnly ? [] : null } },
      strictTransportSecurity: http.httpsOnly,
      // Browsers ignore it on an untrustworthy (plain http, not localhost) origin, and say so in the console.
      crossOriginOpenerPolicy: http.httpsOnly,
    }),
  );
  if (http.corsOrigins.length > 0) {
    app.enableCors({
      origin: http.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Before the body parser, so that even a request it refuses carries a correlation id.
  app.use((req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void) => {
    req.id = requestId(req, res);
    openRequestContext(res);
    next();
  });
  app.use(bodyParsers(BODY_LIMIT));
  // After the body parser, whose stream events would otherwise continue outside the request's context.
  app.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => runInRequestContext(res, next));
  if (http.openApiEnabled) serveOpenApi(app);
  app.useGlobalPipes(createValidationPipe());
  const server = app.getHttpServer();
  answerClientErrors(server);
  return new ConnectionDrain(server);
}

export async function createApp(module: unknown): Promise<{ app: NestExpressApplication; drain: ConnectionDrain }> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  return { app, drain: configureApp(app) };
}

/**
 * SIGTERM: readiness turns 503 at once; after `drainMs` (time for load balancers to notice) the
 * listener closes and in-flight requests finish; then timers stop and the database closes. Exit 0,
 * or 1 when the grace period ran out.
 */
export async function shutDown(
  app: INestApplication,
  drain: ConnectionDrain,
  timing: { graceMs: number; drainMs: number },
  onDraining: () => void,
): Promise<number> {
  onDraining();
  const deadline = Date.now() + timing.drainMs + timing.graceMs;
  await new Promise((resolve) => setTimeout(resolve, timing.drainMs));
  const drained = await drain.drain(deadline);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), Math.max(deadline - Date.now(), 1000));
  });
  const outcome = await Promise.race([app.close().then(() => 'closed' as const), expired]);
  clearTimeout(timer);
  return drained && outcome === 'closed' ? 0 : 1;
}
