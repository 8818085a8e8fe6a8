import type { IncomingMessage } from 'node:http';

/** A cookie of the request, or undefined; an empty or oversized value is no cookie. */
export function readCookie(request: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.length > 0 && value.length <= 8192 ? value : undefined;
  }
  return undefined;
}
