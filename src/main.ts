import './process-environment';
import 'reflect-metadata';
import { deriveSettings, readEnvironment, startUpRefusal } from './config';
import { holdDataDirectory } from './database/data-directory-lock';
import { checkDatabaseServer } from './database/database-server';

async function main(): Promise<void> {
  // Validated before any module initialises, so a bad value is one line, not a stack trace.
  const settings = deriveSettings(readEnvironment());
  const { database } = settings;
  // Refusals that need no module come before the framework loads: a second service on the same
  // data directory, or a database server it cannot use, is one line within a second.
  if (database.url) {
    await checkDatabaseServer(database.url);
  } else {
    const lock = holdDataDirectory(database.embeddedDir, 'service');
    if (lock.tookOverFrom !== undefined) {
      process.stdout.write(
        `${JSON.stringify({ level: 40, time: Date.now(), msg: `took over the lock of ${database.embeddedDir} from process ${lock.tookOverFrom}, which is no longer running` })}\n`,
      );
    }
  }
  // Before the application loads, so its first request is traced; unset, no OpenTelemetry module loads.
  const tracing = settings.tracing.enabled ? await (await import('./tracing/start-tracing.js')).startTracing(settings.tracing) : undefined;
  const { serve } = await import('./serve.js');
  await serve(settings, tracing);
}

main().catch((error: unknown) => {
  process.stderr.write(`${startUpRefusal(error)}\n`);
  process.exit(1);
});
