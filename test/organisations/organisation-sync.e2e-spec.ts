import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { OrganisationRegistry } from '../../src/organisations/organisation-registry';
import { RunningApp, startApp } from '../helpers/app';

const org = (orgnr: string, name = 'Org') => ({ name: { nb: name, nn: name, en: name }, orgnr, homepage: '', environments: ['tt02'] });

describe('organisation registry sync', () => {
  let running: RunningApp;
  let registry: OrganisationRegistry;
  let source: string;
  const write = (orgs: unknown) => writeFileSync(source, typeof orgs === 'string' ? orgs : JSON.stringify({ orgs }));
  const codes = async () =>
    await running.app
      .get(DataSource)
      .query<{ org_code: string; org_number: string | null }[]>('SELECT org_code, org_number FROM organisations ORDER BY org_code');

  before(async () => {
    source = join(mkdtempSync(join(tmpdir(), 'orgs-')), 'orgs.json');
    write({ brg: org('974760673'), skd: org('974761076'), ttd: org('') });
    running = await startApp({ env: { ORGANISATIONS_SOURCE: source } });
    registry = running.app.get(OrganisationRegistry);
  });
  after(() => running.close());

  it('loads the source at start-up into the table and the index', async () => {
    expect(await codes()).toEqual([
      { org_code: 'brg', org_number: '974760673' },
      { org_code: 'skd', org_number: '974761076' },
      { org_code: 'ttd', org_number: null },
    ]);
    expect(registry.byOrgNumber('974760673')?.orgCode).toBe('brg');
  });

  it('keeps the last good data when the source turns bad', async () => {
    for (const bad of ['not json', '{"orgs": 5}', '{"orgs": {}}']) {
      write(bad);
      expect(await registry.sync()).toBe(false);
      expect(registry.byOrgNumber('974760673')?.orgCode).toBe('brg');
      expect(await codes()).toHaveLength(3);
    }
  });

  it('applies additions, removals, renames and an org number moving to another code', async () => {
    write({ brreg: org('974760673', 'Moved'), skd: org('974761076', 'Renamed'), nav: org('889640782'), bad: org('12345') });
    expect(await registry.sync()).toBe(true);
    expect(await codes()).toEqual([
      { org_code: 'brreg', org_number: '974760673' },
      { org_code: 'nav', org_number: '889640782' },
      { org_code: 'skd', org_number: '974761076' },
    ]);
    expect(registry.byOrgNumber('974760673')?.orgCode).toBe('brreg');
    expect(registry.byOrgNumber('974761076')?.nameNb).toBe('Renamed');
    expect(registry.byOrgNumber('12345')).toBeUndefined();
  });
});
