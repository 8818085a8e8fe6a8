import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { pgliteDriver } from './pglite-pool';

/** The entity classes a data source maps; the composition root lists them (src/entities.ts). */
export type Entities = NonNullable<DataSourceOptions['entities']>;

export interface DatabaseSettings {
  url?: string;
  embeddedDir: string;
  migrateOnStart: boolean;
}

/**
 * One description of the database for the app, ormconfig.ts and the CLIs: a PostgreSQL server
 * when a URL is given, else PGlite on disk. Same entities, same migrations; never synchronize.
 */
export function dataSourceOptions(settings: DatabaseSettings, entities: Entities): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations: MIGRATIONS,
    // Migrations run through migrate(), under a lock; TypeORM's own start-up run would race.
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    // TypeORM would log failed queries with their parameters, which can hold a pid.
    logging: false,
  };
  if (settings.url) {
    return {
      ...common,
      url: settings.url,
      applicationName: 'authentication',
      // Fail fast while the server is away so readiness and requests answer 503 quickly.
      connectTimeoutMS: 2000,
      extra: { max: 10, idleTimeoutMillis: 30_000, query_timeout: 10_000 },
    };
  }
  return { ...common, driver: pgliteDriver(settings.embeddedDir) };
}
