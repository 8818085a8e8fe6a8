import { DataSource, DataSourceOptions, MigrationExecutor } from 'typeorm';
import { dataSourceOptions, DatabaseSettings, Entities } from './data-source-options';

/** Arbitrary constant naming the lock replicas take to migrate one at a time. */
const MIGRATION_LOCK = 7_263_000;

/**
 * Runs pending migrations while holding a session advisory lock on the same connection, so that
 * replicas starting together migrate one after the other instead of racing on CREATE TABLE.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Connects, then migrates when asked: the one way the app and the CLIs open the database. A failed
 * migration closes the connection it opened, so a process that cannot start leaves nothing open.
 */
export async function connectAndMigrate(options: DataSourceOptions, migrateOnStart: boolean): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    if (migrateOnStart) await migrate(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** The database the settings describe, opened for a CLI. */
export function openDataSource(settings: DatabaseSettings, entities: Entities): Promise<DataSource> {
  return connectAndMigrate(dataSourceOptions(settings, entities), settings.migrateOnStart);
}
