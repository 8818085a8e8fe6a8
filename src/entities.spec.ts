import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { getMetadataArgsStorage } from 'typeorm';
import { ENTITIES } from './entities';
import { TEST_IDP_ENTITIES } from './test-idp/shared/test-idp.entities';

/** Every file under src/ that can declare an entity: `*.entity.ts` and `*.entities.ts` (compiled or not). */
function entityFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entityFiles(path);
    return /\.entit(y|ies)\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('the entity list', () => {
  it('names every class marked @Entity under src/, so no table is left out of the data source', async () => {
    const files = entityFiles(__dirname);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await import(file);
    const declared = getMetadataArgsStorage()
      .tables.map((table) => (table.target as { name: string }).name)
      .sort();
    expect([...ENTITIES, ...TEST_IDP_ENTITIES].map((entity) => entity.name).sort()).toEqual(declared);
  });

  it("keeps the test IdP's tables out of the service's own list", () => {
    const tableOf = (target: unknown) => getMetadataArgsStorage().tables.find((table) => table.target === target)?.name;
    expect(ENTITIES.map(tableOf).filter((name) => name?.startsWith('test_idp'))).toEqual([]);
    expect(TEST_IDP_ENTITIES.map(tableOf).every((name) => name?.startsWith('test_idp_'))).toBe(true);
  });
});
