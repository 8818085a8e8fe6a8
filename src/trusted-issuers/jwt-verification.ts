import { KeyObject, verify as verifySignature } from 'node:crypto';
import {
  errors,
  jwtVerify,
  UnsecuredJWT,
  type CryptoKey,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';

export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** The header members of an ordinary RS256 token; any other member (crit, b64, …) takes jose's full path. */
const PLAIN_HEADER_MEMBERS = new Set(['alg', 'kid', 'typ']);
/** `{"alg":"none"}`: the header under which jose checks the claims of a payload whose signature we checked. */
const CLAIMS_ONLY_HEADER = Buffer.from('{"alg":"none"}').toString('base64url');
/** The node:crypto form of each issuer key jose imported, made once per key. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/** An RSASSA-PKCS1-v1_5 SHA-256 verification key of at least 2048 bits, as jose requires for RS256. */
function isRs256Key(key: CryptoKey): boolean {
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; modulusLength?: number };
  return (
    key.type === 'public' &&
    key.usages.includes('verify') &&
    algorithm.name === 'RSASSA-PKCS1-v1_5' &&
    algorithm.hash?.name === 'SHA-256' &&
    (algorithm.modulusLength ?? 0) >= 2048
  );
}

function keyObjectOf(key: CryptoKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/**
 * jose's `jwtVerify`, with the RS256 signature checked by node:crypto on the event loop instead of
 * through WebCrypto's thread-pool round trip (tens of microseconds of CPU, but the bridge costs more
 * than the check; see bench/README.md). Only for a plain header (alg RS256, kid, typ) and a key
 * jose resolved and imported as an RS256 key; the key is still chosen by jose's resolver, and the
 * claims are still checked by jose (`UnsecuredJWT.decode` runs the same claims validation as
 * `jwtVerify`) with the same options. Everything else goes through `jwtVerify` itself.
 * The caller has checked the compact structure (three base64url segments) and decoded the header.
 */
export async function verifyJwt(
  token: string,
  header: Record<string, unknown>,
  resolveKey: KeyResolver,
  options: JWTVerifyOptions & { algorithms: string[] },
): Promise<JWTPayload> {
  const plain =
    header.alg === 'RS256' && options.algorithms.includes('RS256') && Object.keys(header).every((m) => PLAIN_HEADER_MEMBERS.has(m));
  if (!plain) return (await jwtVerify(token, resolveKey, options)).payload;
  const [protectedHeader, payload, signature] = token.split('.');
  // A length no base64url string has: jose's own decoder refuses it, and says so.
  if (signature.length % 4 === 1) return (await jwtVerify(token, resolveKey, options)).payload;
  const key = await resolveKey(header, { protected: protectedHeader, payload, signature });
  if (!isRs256Key(key)) return (await jwtVerify(token, resolveKey, options)).payload;
  const valid = verifySignature(
    'sha256',
    Buffer.from(`${protectedHeader}.${payload}`),
    keyObjectOf(key),
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw new errors.JWSSignatureVerificationFailed();
  return UnsecuredJWT.decode(`${CLAIMS_ONLY_HEADER}.${payload}.`, options).payload;
}
