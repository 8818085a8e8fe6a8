import { CommandError } from '../common/cli';
import { generateSigningKey, KeyMaterial } from './key-material';
import { activeKeyAt, classify, KeyTimings } from './key-schedule';
import { KeyEncryption } from './key-encryption';
import { sealSigningKey, SigningKeyRepository } from './signing-key.repository';

/** `keys list`: a header and one tab-separated line per stored key. */
export async function listKeys(keys: SigningKeyRepository, now: number, timings: KeyTimings): Promise<string[]> {
  const rows = await keys.list();
  const statuses = classify(rows, now, timings.tokenValidityMs);
  return [
    ['kid', 'state', 'activates_at', 'retired_at', 'origin'].join('\t'),
    ...rows.map((row) => {
      const status = statuses.get(row.kid);
      return [row.kid, status?.state, row.activatesAt.toISOString(), status?.retiredAt?.toISOString() ?? '-', row.origin].join('\t');
    }),
  ];
}

/**
 * `keys rotate` and `keys import`: stores a new key (generated, or the operator's), published now and
 * signing after the publish-ahead time, or at once with `immediately`. Under the key lock, so a
 * replica's own maintenance never interleaves.
 */
export async function addKey(
  keys: SigningKeyRepository,
  encryption: KeyEncryption,
  options: { now: number; immediately: boolean; material?: KeyMaterial; timings: KeyTimings },
): Promise<string[]> {
  const { now, immediately, material, timings } = options;
  const activatesAt = new Date(immediately ? now : now + timings.publishAheadMs);
  const created = await keys.withLock(async (locked) => {
    const rows = await locked.list();
    const statuses = classify(rows, now, timings.tokenValidityMs);
    const pending = rows.find((r) => statuses.get(r.kid)?.state === 'next');
    if (pending && !immediately) {
      throw new CommandError(
        `key ${pending.kid} is already published and starts signing at ${pending.activatesAt.toISOString()}; use --now to replace the active key at once`,
      );
    }
    const key = material ?? (await generateSigningKey(now, activatesAt, timings.rotationMs));
    if (rows.some((r) => r.kid === key.kid)) throw new CommandError(`key ${key.kid} is already stored`);
    const previous = activeKeyAt(rows, now);
    await locked.insert(sealSigningKey(encryption, key, activatesAt, material ? 'imported' : 'generated', new Date(now)));
    // An emergency rotation (rotate --now) is for a key that may be in other hands: it stops being trusted now.
    const revoked = !material && immediately && previous !== undefined;
    if (revoked) await locked.revoke(previous.kid, new Date(now));
    return { kid: key.kid, previous: previous?.kid, revoked };
  });
  const lines = [
    `${created.kid} published; signs from ${activatesAt.toISOString()}${created.previous ? ` (replacing ${created.previous})` : ''}`,
  ];
  if (created.revoked) lines.push(`${created.previous} revoked: unpublished, and tokens it signed are refused by refresh`);
  return lines;
}
