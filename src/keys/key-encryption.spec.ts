import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { KeyDecryptionError, KeyEncryption, resolveEncryptionSecret } from './key-encryption';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('key encryption', () => {
  it('round-trips and never contains the plaintext', () => {
    const encryption = new KeyEncryption(SECRET);
    const sealed = encryption.encrypt('-----BEGIN PRIVATE KEY-----abc', 'kid-1');
    expect(sealed).not.toContain('PRIVATE');
    expect(encryption.decrypt(sealed, 'kid-1')).toBe('-----BEGIN PRIVATE KEY-----abc');
  });

  it('refuses a ciphertext moved to another kid', () => {
    const encryption = new KeyEncryption(SECRET);
    const sealed = encryption.encrypt('secret', 'kid-1');
    expect(() => encryption.decrypt(sealed, 'kid-2')).toThrow(KeyDecryptionError);
  });

  it('refuses a ciphertext under another secret', () => {
    const sealed = new KeyEncryption(SECRET).encrypt('secret', 'kid-1');
    expect(() => new KeyEncryption(`${SECRET}x`).decrypt(sealed, 'kid-1')).toThrow(KeyDecryptionError);
  });

  for (const [index, part] of [
    [1, 'iv'],
    [2, 'ciphertext'],
    [3, 'authentication tag'],
  ] as const) {
    it(`refuses a sealed key whose ${part} has one bit flipped`, () => {
      const sealed = new KeyEncryption(SECRET).encrypt('secret', 'kid-1');
      const parts = sealed.split('.');
      const bytes = Buffer.from(parts[index], 'base64url');
      bytes[0] ^= 0x01;
      const tampered = [...parts.slice(0, index), bytes.toString('base64url'), ...parts.slice(index + 1)].join('.');
      expect(tampered).not.toBe(sealed);
      expect(() => new KeyEncryption(SECRET).decrypt(tampered, 'kid-1')).toThrow(KeyDecryptionError);
    });
  }

  it('generates a secret file readable only by its owner outside production, and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kek-'));
    const warnings: string[] = [];
    const first = resolveEncryptionSecret({ allowGeneratedEncryptionKey: true, dataDir }, (p) => warnings.push(p));
    const second = resolveEncryptionSecret({ allowGeneratedEncryptionKey: true, dataDir }, (p) => warnings.push(p));
    expect(first).toBe(second);
    expect(warnings).toHaveLength(1);
    expect(statSync(warnings[0]).mode & 0o777).toBe(0o600);
    expect(readFileSync(warnings[0], 'utf8').trim()).toBe(first);
  });

  it('refuses to generate a secret in production', () => {
    expect(() => resolveEncryptionSecret({ allowGeneratedEncryptionKey: false, dataDir: tmpdir() }, () => undefined)).toThrow(
      'KEY_ENCRYPTION_KEY must be set in production',
    );
  });
});
