import { describe, it } from 'node:test';
import { expect } from 'expect';
import { parseAnnouncement, payloadOf } from './announcement';

describe('announcement payloads', () => {
  it('reads back every kind it writes', () => {
    for (const kind of ['keys', 'profiles', 'organisations'] as const) expect(parseAnnouncement(payloadOf(kind))).toEqual({ kind });
  });

  it('ignores payloads that are not JSON, name an unknown kind, or are too long', () => {
    expect(parseAnnouncement('keys')).toBeUndefined();
    expect(parseAnnouncement('{"kind":"sessions"}')).toBeUndefined();
    expect(parseAnnouncement('[]')).toBeUndefined();
    expect(parseAnnouncement('null')).toBeUndefined();
    expect(parseAnnouncement(undefined)).toBeUndefined();
    expect(parseAnnouncement(`{"kind":"keys","pad":"${'x'.repeat(2000)}"}`)).toBeUndefined();
  });
});
