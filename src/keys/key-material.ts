import 'reflect-metadata';
import { createPrivateKey, createPublicKey, KeyObject, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { calculateJwkThumbprint } from 'jose';
import type { PublicRsaJwk } from './signing-key.entity';

let x509Library: Promise<typeof X509> | undefined;

/**
 * @peculiar/x509 (with its ASN.1 and DI packages, about 200 modules) writes and reads certificates
 * for key generation and import only; a serving process that merely loads its keys never needs it,
 * so it is loaded on first use (node:crypto's X509Certificate checks stored certificates).
 */
function x509(): Promise<typeof X509> {
  x509Library ??= import('@peculiar/x509').then((library) => {
    library.cryptoProvider.set(webcrypto as unknown as Parameters<typeof library.cryptoProvider.set>[0]);
    return library;
  });
  return x509Library;
}

export const SIGNING_ALGORITHM = 'RS256';
const RSA_BITS = 2048;
const MIN_IMPORT_BITS = 2048;
const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** A key pair ready to be stored: public parts in the clear, private key as PKCS#8 PEM. */
export interface KeyMaterial {
  kid: string;
  publicJwk: PublicRsaJwk;
  certificate: string;
  privateKeyPem: string;
}

export class KeyMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyMaterialError';
  }
}

function publicJwkOf(key: KeyObject): PublicRsaJwk {
  const jwk = key.export({ format: 'jwk' });
  return { kty: 'RSA', n: jwk.n as string, e: jwk.e as string };
}

export async function thumbprint(jwk: PublicRsaJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e }, 'sha256');
}

const CERTIFICATE_SUBJECT = 'authentication token signing';
const YEAR_MS = 365 * 86_400_000;

/**
 * A new signing key whose certificate covers its whole life: from now until two rotations after
 * it activates, plus a year of margin for consumers that check certificate dates.
 */
export function generateSigningKey(now: number, activatesAt: Date, rotationMs: number): Promise<KeyMaterial> {
  return generateKeyMaterial(CERTIFICATE_SUBJECT, new Date(now - 60_000), new Date(activatesAt.getTime() + 2 * rotationMs + YEAR_MS));
}

/** A fresh RSA key pair with a self-signed certificate, for consumers that read `x5c`. */
async function generateKeyMaterial(subject: string, notBefore: Date, notAfter: Date): Promise<KeyMaterial> {
  const keys = await webcrypto.subtle.generateKey(
    { ...SIGNING, modulusLength: RSA_BITS, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
  const x509Certificates = await x509();
  const certificate = await x509Certificates.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${subject}`,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    keys: keys,
    extensions: [new x509Certificates.KeyUsagesExtension(x509Certificates.KeyUsageFlags.digitalSignature, true)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const publicJwk = publicJwkOf(createPublicKey(privateKey));
  return {
    kid: await thumbprint(publicJwk),
    publicJwk,
    certificate: Buffer.from(certificate.rawData).toString('base64'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/**
 * An existing certificate and its private key (PEM, PKCS#1 or PKCS#8), checked to be RSA, at
 * least 2048 bits, and a matching pair.
 */
export async function importKeyMaterial(certificatePem: string, privateKeyPem: string): Promise<KeyMaterial> {
  const x509Certificates = await x509();
  let certificate: X509.X509Certificate;
  try {
    certificate = new x509Certificates.X509Certificate(certificatePem);
  } catch {
    throw new KeyMaterialError('the certificate file is not a PEM or DER X.509 certificate');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new KeyMaterialError('the key file is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new KeyMaterialError(`the private key is ${privateKey.asymmetricKeyType ?? 'not RSA'}; only RSA keys can sign RS256`);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_IMPORT_BITS) throw new KeyMaterialError(`the RSA key has ${bits} bits; at least ${MIN_IMPORT_BITS} are required`);
  let certificateKey: KeyObject;
  try {
    certificateKey = createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    throw new KeyMaterialError('the certificate does not hold an RSA public key');
  }
  const publicJwk = publicJwkOf(createPublicKey(privateKey));
  const certificateJwk = certificateKey.asymmetricKeyType === 'rsa' ? publicJwkOf(certificateKey) : undefined;
  if (!certificateJwk || certificateJwk.n !== publicJwk.n || certificateJwk.e !== publicJwk.e) {
    throw new KeyMaterialError('the certificate and the private key do not belong together');
  }
  return {
    kid: await thumbprint(publicJwk),
    publicJwk,
    certificate: Buffer.from(certificate.rawData).toString('base64'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** A stored key whose public half, kid or certificate does not belong to its private key. */
export class KeyBindingError extends Error {
  constructor(
    readonly kid: string,
    readonly mismatch: 'kid' | 'public_jwk' | 'certificate',
  ) {
    super(`the ${mismatch} stored for signing key ${kid} does not belong to its private key`);
    this.name = 'KeyBindingError';
  }
}

/**
 * Checks that a stored key's clear-text parts were derived from its (decrypted) private key: the
 * public JWK is the private key's public half, the kid its RFC 7638 thumbprint, and the certificate
 * holds the same public key. A database write to any of them is refused here, before the key is
 * published, signs or verifies anything.
 */
export async function checkKeyBinding(
  stored: { kid: string; publicJwk: PublicRsaJwk; certificate: string; origin: 'generated' | 'imported' },
  privateKeyPem: string,
): Promise<void> {
  const derived = publicJwkOf(createPublicKey(createPrivateKey(privateKeyPem)));
  if ((await thumbprint(derived)) !== stored.kid) throw new KeyBindingError(stored.kid, 'kid');
  const jwk = stored.publicJwk as Partial<PublicRsaJwk> | null;
  if (!jwk || jwk.kty !== 'RSA' || jwk.n !== derived.n || jwk.e !== derived.e || Object.keys(jwk).length !== 3)
    throw new KeyBindingError(stored.kid, 'public_jwk');
  if (!certificateHolds(stored.certificate, derived, stored.origin === 'generated')) throw new KeyBindingError(stored.kid, 'certificate');
}

/**
 * Whether the base64 DER certificate (exactly as published in `x5c`) holds this public key; a
 * generated key's certificate must also be self-signed by it, which only the private key can do.
 */
function certificateHolds(base64: string, jwk: PublicRsaJwk, selfSigned: boolean): boolean {
  try {
    const der = Buffer.from(base64, 'base64');
    if (der.toString('base64') !== base64) return false;
    const certificate = new X509Certificate(der);
    if (certificate.raw.toString('base64') !== base64) return false;
    const key = certificate.publicKey;
    if (key.asymmetricKeyType !== 'rsa') return false;
    const held = publicJwkOf(key);
    if (held.n !== jwk.n || held.e !== jwk.e) return false;
    return !selfSigned || certificate.verify(key);
  } catch {
    return false;
  }
}
