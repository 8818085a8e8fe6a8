import { join, resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

export const databaseConfig = registerAs('database', () => {
  const env = readEnvironment();
  return {
    /** A PostgreSQL server; when absent the embedded PGlite database under `embeddedDir` is used. */
    url: env.DATABASE_URL,
    embeddedDir: join(resolve(env.DATA_DIR), 'pgdata'),
    migrateOnStart: env.DB_MIGRATE_ON_START,
  };
});
