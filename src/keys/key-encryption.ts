import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1';
const INFO = Buffer.from('authentication/signing-key-encryption/v1');

export class KeyDecryptionError extends Error {
  constructor(kid: string) {
    super(`the private key of ${kid} cannot be decrypted: KEY_ENCRYPTION_KEY differs from the one it was stored with`);
    this.name = 'KeyDecryptionError';
  }
}

/**
 * Encrypts private keys at rest with AES-256-GCM under a key derived (HKDF-SHA256) from the
 * operator's secret. The kid is bound as additional data, so a ciphertext moved to another row
 * does not decrypt.
 */
export class KeyEncryption {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), INFO, 32));
  }

  encrypt(plaintext: string, kid: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(sealed: string, kid: string): string {
    const [version, iv, ciphertext, tag] = sealed.split('.');
    if (version !== VERSION || !iv || !ciphertext || !tag) throw new KeyDecryptionError(kid);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(kid, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyDecryptionError(kid);
    }
  }
}

const GENERATED_SECRET_FILE = 'key-encryption.key';

/**
 * The configured secret, or outside production one generated once into the data directory.
 * `onGenerated` is told so the operator sees a warning.
 */
export function resolveEncryptionSecret(
  settings: { encryptionKey?: string; allowGeneratedEncryptionKey: boolean; dataDir: string },
  onGenerated: (path: string) => void,
): string {
  if (settings.encryptionKey) return settings.encryptionKey;
  if (!settings.allowGeneratedEncryptionKey) {
    throw new Error('KEY_ENCRYPTION_KEY must be set in production');
  }
  const path = join(settings.dataDir, GENERATED_SECRET_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  onGenerated(path);
  return secret;
}
