import '../process-environment';
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { CommandError, runCli, UsageError } from '../common/cli';
import { deriveSettings, readEnvironment } from '../config';
import { openDataSource } from '../database/open-data-source';
import { ENTITIES } from '../entities';
import { KeyEncryption, resolveEncryptionSecret } from './key-encryption';
import { generateSigningKey, importKeyMaterial, KeyMaterial, KeyMaterialError } from './key-material';
import { activeKeyAt, classify, keyTimings } from './key-schedule';
import { sealSigningKey, SigningKeyRepository } from './signing-key.repository';

const USAGE = `usage: npm run keys -- <command>
  list                                 every key: kid, state, activation and retirement
  rotate [--now]                       publish a new key now, signing after KEY_PUBLISH_AHEAD_HOURS
                                       (--now, for a compromised key: sign with the new key at once
                                       and revoke the one it replaces: unpublished, its tokens refused)
  import --cert FILE --key FILE [--now]
                                       bring an existing RSA certificate and private key (PEM)`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (!value || value.startsWith('--')) throw new UsageError(`${name} needs a file name`);
  return value;
}

function readInput(path: string, what: string): string {
  if (!existsSync(path)) throw new CommandError(`cannot read the ${what} file ${path}: it does not exist`);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CommandError(`cannot read the ${what} file ${path}`);
  }
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (!command || !['list', 'rotate', 'import'].includes(command)) throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  const settings = deriveSettings(readEnvironment());
  const { keys, token } = settings;
  const validityMs = keyTimings(keys, token).tokenValidityMs;
  const now = Date.now();

  let material: KeyMaterial | undefined;
  if (command === 'import') {
    const certPath = option(rest, '--cert');
    const keyPath = option(rest, '--key');
    if (!certPath || !keyPath) throw new UsageError('import needs --cert FILE and --key FILE');
    try {
      material = await importKeyMaterial(readInput(certPath, 'certificate'), readInput(keyPath, 'key'));
    } catch (error) {
      if (error instanceof KeyMaterialError) throw new CommandError(error.message);
      throw error;
    }
  }

  const dataSource = await openDataSource(settings.database, ENTITIES);
  try {
    const encryption = new KeyEncryption(resolveEncryptionSecret(keys, (path) => console.warn(`generated ${path}`)));
    const store = new SigningKeyRepository(dataSource);
    if (command === 'list') {
      const rows = await store.list();
      const statuses = classify(rows, now, validityMs);
      console.log(['kid', 'state', 'activates_at', 'retired_at', 'origin'].join('\t'));
      for (const row of rows) {
        const status = statuses.get(row.kid);
        console.log([row.kid, status?.state, row.activatesAt.toISOString(), status?.retiredAt?.toISOString() ?? '-', row.origin].join('\t'));
      }
      return;
    }
    const immediately = rest.includes('--now');
    const activatesAt = new Date(immediately ? now : now + keys.publishAheadMs);
    const created = await store.withLock(async (locked) => {
      const rows = await locked.list();
      const statuses = classify(rows, now, validityMs);
      const pending = rows.find((r) => statuses.get(r.kid)?.state === 'next');
      if (pending && !immediately) {
        throw new CommandError(`key ${pending.kid} is already published and starts signing at ${pending.activatesAt.toISOString()}; use --now to replace the active key at once`);
      }
      const key = material ?? (await generateSigningKey(now, activatesAt, keys.rotationMs));
      if (rows.some((r) => r.kid === key.kid)) throw new CommandError(`key ${key.kid} is already stored`);
      const previous = activeKeyAt(rows, now);
      await locked.insert(sealSigningKey(encryption, key, activatesAt, material ? 'imported' : 'generated', new Date(now)));
      // An emergency rotation is for a key that may be in other hands: it stops being trusted now.
      const revoke = command === 'rotate' && immediately && previous !== undefined;
      if (revoke) await locked.revoke(previous.kid, new Date(now));
      return { kid: key.kid, previous: previous?.kid, revoked: revoke };
    });
    console.log(`${created.kid} published; signs from ${activatesAt.toISOString()}${created.previous ? ` (replacing ${created.previous})` : ''}`);
    if (created.revoked) console.log(`${created.previous} revoked: unpublished, and tokens it signed are refused by refresh`);
    console.log('running replicas pick it up within KEY_RELOAD_SECONDS');
  } finally {
    await dataSource.destroy();
  }
}

runCli(main, USAGE);
