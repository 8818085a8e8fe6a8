import { KeyObject, sign as signWithKey } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { SIGNING_ALGORITHM } from './key-material';

/** What signing with one key needs, made once per key: its node:crypto form and the encoded header. */
interface PreparedKey {
  keyObject: KeyObject;
  kid: string;
  encodedHeader: string;
}

/** Per private key jose imported; a key that is dropped from the ring is dropped from here with it. */
const prepared = new WeakMap<CryptoKey, PreparedKey>();

function prepare(privateKey: CryptoKey, kid: string): PreparedKey {
  let key = prepared.get(privateKey);
  if (key?.kid !== kid) {
    const header = { alg: SIGNING_ALGORITHM, kid, typ: 'JWT' };
    key = { keyObject: KeyObject.from(privateKey), kid, encodedHeader: Buffer.from(JSON.stringify(header)).toString('base64url') };
    prepared.set(privateKey, key);
  }
  return key;
}

/**
 * Our RS256 compact JWT, as jose's `SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })`
 * writes it, byte for byte (RSASSA-PKCS1-v1_5 is deterministic; the spec compares the two). The
 * signature is made by node:crypto on libuv's pool with the key's `KeyObject`: WebCrypto's bridge,
 * jose's claims builder and its base64 encoder cost the event loop more than the rest of the
 * exchange (bench/README.md). The payload is ours, built by the signer: it needs no claim checks.
 */
export function signJwt(payload: object, kid: string, privateKey: CryptoKey): Promise<string> {
  const key = prepare(privateKey, kid);
  const input = `${key.encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return new Promise((resolve, reject) => {
    signWithKey('sha256', Buffer.from(input), key.keyObject, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}
