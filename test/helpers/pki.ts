import { generateKeyPairSync, KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A self-signed certificate over a Node key pair, as an operator would bring with `keys import`. */
export async function certificateFor(privateKey: KeyObject, publicKey: KeyObject, algorithm: 'RSA' | 'EC' = 'RSA'): Promise<string> {
  const signingAlgorithm = algorithm === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', hash: 'SHA-256' };
  const importAlgorithm = algorithm === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ format: 'der', type: 'pkcs8' }), importAlgorithm, true, [
      'sign',
    ]),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ format: 'der', type: 'spki' }), importAlgorithm, true, [
      'verify',
    ]),
  };
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=imported platform certificate',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    signingAlgorithm,
    keys: keys,
  });
  return certificate.toString('pem');
}

export function rsaPair(bits = 2048) {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}
