/** A compact JWS or JWE: three or five base64url parts, or anything starting as a JOSE header does. */
const JWT_LIKE = /^(eyJ|[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.)/;
/** An 11-digit run, as a national identity number (pid) is, standing alone in its segment's digits. */
const ELEVEN_DIGITS = /(^|\D)\d{11}(\D|$)/;

export const MASKED_SEGMENT = '[masked]';

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The path as logs and a problem's `instance` may show it: every segment that looks like a token
 * or holds an 11-digit number (percent-encoded or not) replaced by `[masked]`. The query is not
 * part of it.
 */
export function maskedPath(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((segment) => {
      const text = decoded(segment);
      return JWT_LIKE.test(text) || ELEVEN_DIGITS.test(text) ? MASKED_SEGMENT : segment;
    })
    .join('/');
}
