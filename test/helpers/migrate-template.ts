import 'reflect-metadata';
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
  await dataSource.destroy();
}
