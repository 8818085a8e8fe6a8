import type { Environment } from './environment';

/** Addresses that mean "every interface": the service itself is reached through loopback then. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The one origin this process is reached at by default: the issuer default, the test IdP's issuers,
 * the service's own calls to them, the demo and the README all use it, so that a client discovering
 * any of them sees exactly the issuer string it asked for. `127.0.0.1`, not `localhost`: `localhost`
 * may resolve to `::1` first while we listen on IPv4, and resolving it costs a DNS lookup on the
 * thread pool that signs our tokens. A specific `HOST` is used as it is.
 */
export function localOrigin(env: Pick<Environment, 'HOST' | 'PORT'>): string {
  const host = WILDCARD_HOSTS.has(env.HOST)
    ? '127.0.0.1'
    : env.HOST.includes(':') && !env.HOST.startsWith('[')
      ? `[${env.HOST}]`
      : env.HOST;
  return `http://${host}:${env.PORT}`;
}
