import { Logger } from '@nestjs/common';
import { AppModule } from './app.module';
import { createApp, shutDown } from './app.setup';
import { ReadinessRegistry } from './common/readiness';
import type { Settings } from './config';
import type { RunningTracing } from './tracing/start-tracing';
import { startupSummary } from './startup-summary';

/** Logs one line in the service's log format, for the moments before or after the logger exists. */
export function logLine(level: number, msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), msg, ...fields })}\n`);
}

/** Starts the application and stops it cleanly on SIGTERM or SIGINT. Loaded by main.ts after its checks. */
export async function serve(settings: Settings, tracing?: RunningTracing): Promise<void> {
  const { server } = settings;
  const { app, drain } = await createApp(AppModule.register(settings));
  await app.listen(server.port, server.host);
  const summary = startupSummary(settings);
  new Logger('Startup').log(summary.fields, summary.msg);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const readiness = app.get(ReadinessRegistry);
    const timing = { graceMs: server.shutdownGraceMs, drainMs: server.shutdownDrainMs };
    void shutDown(app, drain, timing, () => readiness.startDraining()).then(async (code: number) => {
      // The last spans go out now (within a few seconds; an unreachable collector only loses them).
      await tracing?.shutdown();
      logLine(30, `stopped after ${signal}`, { exitCode: code });
      process.exit(code);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
