import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';
import { MIGRATIONS } from '../../src/database/migrations';
import { migrate } from '../../src/database/open-data-source';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '../helpers/database';

describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  before(async () => {
    database = await createTestDatabase(undefined, { migrated: false });
    dataSource = new DataSource(
      dataSourceOptions({ url: database.url, embeddedDir: join(database.dataDir, 'pgdata'), migrateOnStart: false }, ENTITIES),
    );
    await dataSource.initialize();
  });
  after(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('runs every migration once and a second run is a no-op', async () => {
    const first = await migrate(dataSource);
    expect(first).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrate(dataSource)).toEqual([]);
    const executed = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
    expect(executed.map((r) => r.name)).toEqual(first);
  });

  it('leaves a schema equal to what the entities describe (migration:generate would yield nothing)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
