import { DataSource, DataSourceOptions, MigrationExecutor, type MigrationInterface } from 'typeorm';
import { dataSourceOptions, DatabaseSettings, Entities } from './data-source-options';

/** Arbitrary constant naming the lock replicas take to migrate one at a time. */
const MIGRATION_LOCK = 7_263_000;

/**
 * Migrations that are not the service's own (the test IdP's), with the table that records which
 * ran: they run after the service's, only where the data source was opened with them.
 */
export interface MigrationSet {
  table: string;
  migrations: (new () => MigrationInterface)[];
}

/** The extra sets each data source was opened with; migrate() runs them too. */
const extraSets = new WeakMap<DataSource, readonly MigrationSet[]>();

/** The data source as a MigrationExecutor sees it, with another set's migrations and table. */
function viewOf(dataSource: DataSource, set: MigrationSet): DataSource {
  return Object.create(dataSource, {
    options: { value: { ...dataSource.options, migrationsTableName: set.table } },
    migrations: { value: set.migrations.map((Migration) => new Migration()) },
  }) as DataSource;
}

/**
 * Runs pending migrations (the service's, then any extra set the data source was opened with)
 * while holding a session advisory lock on the same connection, so that replicas starting
 * together migrate one after the other instead of racing on CREATE TABLE.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied: string[] = [];
      for (const target of [dataSource, ...(extraSets.get(dataSource) ?? []).map((set) => viewOf(dataSource, set))]) {
        const executor = new MigrationExecutor(target, runner);
        executor.transaction = 'each';
        applied.push(...(await executor.executePendingMigrations()).map((m) => m.name));
      }
      return applied;
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
export async function connectAndMigrate(
  options: DataSourceOptions,
  migrateOnStart: boolean,
  migrationSets: readonly MigrationSet[] = [],
): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  extraSets.set(dataSource, migrationSets);
  try {
    if (migrateOnStart) await migrate(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** The database the settings describe, opened for a CLI. */
export function openDataSource(
  settings: DatabaseSettings,
  entities: Entities,
  migrationSets: readonly MigrationSet[] = [],
): Promise<DataSource> {
  return connectAndMigrate(dataSourceOptions(settings, entities), settings.migrateOnStart, migrationSets);
}
