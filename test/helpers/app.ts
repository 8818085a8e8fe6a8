import { createServer, type AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { deriveSettings, parseEnvironment, Settings, startUpRefusal } from '../../src/config';
import type { RunningTracing } from '../../src/tracing/start-tracing';
import { createTestDatabase, TestDatabase } from './database';
import { TestClock } from './test-clock';

export interface RunningApp {
  app: NestExpressApplication;
  url: string;
  clock: TestClock;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Variables on top of the base ones (undefined removes one), validated as main.ts validates the real environment. */
  env?: Record<string, string | undefined>;
  /** Reuse a database (two replicas on one database); otherwise a fresh one is made and dropped. */
  database?: TestDatabase;
  clock?: TestClock;
  /**
   * Changes the settings after validation, for what the environment cannot express here: a
   * production app whose upstream issuers are this machine's plain-http fakes.
   */
  adjust?: (settings: Settings) => void;
}

/** Settings every test app gets unless a test says otherwise: quiet logs, no test IdP. */
const BASE_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  TEST_IDP_ENABLED: 'false',
  RATE_LIMIT_PER_MINUTE: '0',
  KEY_ENCRYPTION_KEY: 'test-key-encryption-secret-0123456789abcdef',
};

/** A loopback port nobody listens on, so PORT (and every URL derived from it) is known before start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The settings a test app runs with: the base variables, then `env`; process.env plays no part. */
export function testSettings(env: Record<string, string | undefined> = {}): Settings {
  return deriveSettings(parseEnvironment({ ...BASE_ENV, ...env }));
}

/**
 * Starts the real application (same modules, same HTTP setup as main.ts) on a loopback port with a
 * fresh database, built from settings derived from the base variables and `options.env`.
 */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const database = options.database ?? (await createTestDatabase());
  const port = await freePort();
  const clock = options.clock ?? new TestClock();
  let tracing: RunningTracing | undefined;
  let opened: { close(): Promise<void> } | undefined;
  try {
    const settings = testSettings({ PORT: String(port), ...database.env, ...options.env });
    options.adjust?.(settings);
    // As main.ts does: the SDK only when the OTEL_ variables switch it on, before the app is built.
    if (settings.tracing.enabled) tracing = await (await import('../../src/tracing/start-tracing.js')).startTracing(settings.tracing);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(settings)] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    opened = moduleRef;
    const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
    opened = app;
    configureApp(app);
    await app.listen(settings.server.port, '127.0.0.1');
    return {
      app,
      url: `http://127.0.0.1:${settings.server.port}`,
      clock,
      database,
      close: async () => {
        await app.close();
        await tracing?.shutdown();
        if (!options.database) await database.drop();
      },
    };
  } catch (error) {
    // A start refused half-way (in a module's init, or at listen) has opened the database, timers and
    // maybe the listener: left open, they hold the data directory against the next start on it and
    // keep the test's process alive. Closing them must not hide why the start failed.
    try {
      await opened?.close();
    } catch (closing) {
      throw new AggregateError([error, closing], 'the start failed, and so did closing what it had opened', { cause: closing });
    } finally {
      await tracing?.shutdown();
      if (!options.database) await database.drop();
    }
    throw error;
  }
}

/**
 * What main.ts prints to stderr, before it exits 1, for a start that fails as `start` does (a start
 * in this process, or the check main.ts makes before it); a start that succeeds is closed and fails the test.
 */
export async function startUpRefusalOf(start: Promise<{ close(): Promise<void> } | void>): Promise<string> {
  const error = await start.then(
    async (started) => {
      await started?.close();
      throw new Error('the start succeeded, where it should have been refused');
    },
    (refused: unknown) => refused,
  );
  return startUpRefusal(error);
}
