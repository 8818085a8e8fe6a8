import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/open-data-source';
import { ENTITIES } from '../../src/entities';

/**
 * Brings a template database to the schema every app start would migrate it to: the embedded data
 * directory `embeddedDir`, or the PostgreSQL database at `url`. Called by scripts/run-tests.js once
 * per run (per change of the migrations), so that a test app starts on a migrated copy instead of
 * migrating its own.
 */
export async function migrateTemplate(target: { url?: string; embeddedDir: string }): Promise<void> {
  const dataSource = await openDataSource({ ...target, migrateOnStart: true }, ENTITIES);
  try {
    if (!target.url) await dropUnusedDatabases(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Drops the embedded cluster's template0 and template1, which the app never opens (PGlite serves the
 * database `postgres`): they are two thirds of the files every test app start copies.
 */
async function dropUnusedDatabases(dataSource: DataSource): Promise<void> {
  for (const name of ['template0', 'template1']) {
    await dataSource.query(`UPDATE pg_database SET datistemplate = false WHERE datname = '${name}'`);
    await dataSource.query(`DROP DATABASE ${name}`);
  }
  await dataSource.query('CHECKPOINT');
}
