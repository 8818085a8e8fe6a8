import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { FrameworkLinesAtDebug } from './framework-lines-at-debug';
import { requestLogLevel } from './logging.module';

describe("Nest's own lines", () => {
  it('go to debug for module and route mapping, and pass through otherwise', () => {
    const written: [string, unknown[]][] = [];
    const record =
      (level: string) =>
      (message: unknown, ...rest: unknown[]) =>
        written.push([level, [message, ...rest]]);
    const logger = new FrameworkLinesAtDebug({ log: record('log'), error: record('error'), warn: record('warn'), debug: record('debug') });
    logger.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    logger.log('KeysModule dependencies initialized', 'InstanceLoader');
    logger.log('signing key created', 'KeyRing');
    logger.warn('careful', 'KeyRing');
    expect(written).toEqual([
      ['debug', ['Mapped {/health/live, GET} route', 'RouterExplorer']],
      ['debug', ['KeysModule dependencies initialized', 'InstanceLoader']],
      ['log', ['signing key created', 'KeyRing']],
      ['warn', ['careful', 'KeyRing']],
    ]);
  });
});

describe('request line levels', () => {
  const level = (url: string, statusCode: number) => requestLogLevel({ url } as IncomingMessage, { statusCode } as ServerResponse);

  it('keep probes and the test IdP metadata and keys at debug, a starting or draining readiness included', () => {
    expect(level('/health/ready', 503)).toBe('debug');
    expect(level('/health/ready', 200)).toBe('debug');
    expect(level('/health/live', 200)).toBe('debug');
    expect(level('/test-idp/maskinporten/.well-known/oauth-authorization-server', 200)).toBe('debug');
    expect(level('/test-idp/idporten/jwks', 200)).toBe('debug');
  });

  it('write exchanges and other requests at info, and a 5xx at error', () => {
    expect(level('/authentication/api/v1/exchange/id-porten', 401)).toBe('info');
    expect(level('/test-idp/idporten/token', 200)).toBe('info');
    expect(level('/authentication/api/v1/exchange/id-porten', 500)).toBe('error');
    expect(level('/health/ready', 500)).toBe('error');
    expect(level('/health/readyz', 503)).toBe('error');
  });
});
