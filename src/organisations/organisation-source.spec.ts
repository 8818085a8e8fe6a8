import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { loadOrganisations } from './organisation-source';

describe('organisation source files', () => {
  it('stops reading a file at the byte cap, even one with no end (/dev/zero)', async () => {
    await expect(loadOrganisations('/dev/zero', 1000, 1024 * 1024)).rejects.toThrow(
      '/dev/zero: the document is larger than 1048576 bytes; read cancelled',
    );
  });

  it('reads a file under the cap, and refuses one just over it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'orgs-')), 'orgs.json');
    const content = JSON.stringify({ orgs: { brg: { name: { nb: 'Brønnøysundregistrene' }, orgnr: '974760673' } } });
    writeFileSync(path, content);
    const size = Buffer.byteLength(content);
    expect((await loadOrganisations(path, 1000, size)).organisations.map((o) => o.orgCode)).toEqual(['brg']);
    await expect(loadOrganisations(path, 1000, size - 1)).rejects.toThrow(`is larger than ${size - 1} bytes`);
  });

  it('refuses a file that is not UTF-8 JSON, and one that is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgs-'));
    writeFileSync(join(dir, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xe6, 0x22, 0x3a, 0x31, 0x7d]));
    await expect(loadOrganisations(join(dir, 'latin1.json'), 1000)).rejects.toThrow(`${join(dir, 'latin1.json')} is not JSON`);
    await expect(loadOrganisations(join(dir, 'missing.json'), 1000)).rejects.toThrow(`cannot read ${join(dir, 'missing.json')}`);
  });
});
