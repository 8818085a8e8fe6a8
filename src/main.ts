import './process-environment';
import 'reflect-metadata';
import { AppModule } from './app.module';
import { createApp, shutDown } from './app.setup';
import { ReadinessRegistry } from './common/readiness';
import { ConfigurationError, deriveSettings, readEnvironment } from './config';

async function main(): Promise<void> {
  // Validated before any module initialises, so a bad value is one line, not a stack trace.
  const settings = deriveSettings(readEnvironment());
  const { server } = settings;
  const { app, drain } = await createApp(AppModule.register(settings));
  await app.listen(server.port, server.host);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const readiness = app.get(ReadinessRegistry);
    const timing = { graceMs: server.shutdownGraceMs, drainMs: server.shutdownDrainMs };
    void shutDown(app, drain, timing, () => readiness.startDraining()).then((code: number) => {
      process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: `stopped after ${signal}`, exitCode: code })}\n`);
      process.exit(code);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
