import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 and localhost: a native app's own listener (RFC 8252 §7.3). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Where `?goto=` may send the browser: an absolute http(s) URL on an allowed host (loopback too,
 * outside production), https unless loopback; never credentials. Anything else: undefined.
 */
export function allowedGoto(goto: unknown, hosts: readonly string[], allowLoopback: boolean): URL | undefined {
  if (typeof goto !== 'string' || goto.length === 0 || goto.length > 2000) return undefined;
  // Backslashes and control characters are read differently by browsers and URL parsers.
  if ([...goto].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return undefined;
  let url: URL;
  try {
    url = new URL(goto);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'https:' && hosts.includes(url.hostname.toLowerCase())) return url;
  if (allowLoopback && loopback && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
  return undefined;
}
