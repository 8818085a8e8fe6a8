import { describe, it } from 'node:test';
import { expect } from 'expect';
import { isLoopbackHost, isTrustworthyUpstreamUrl } from './upstream-url';

describe('upstream URLs', () => {
  it('takes https anywhere and http only to a loopback address', () => {
    for (const url of [
      'https://idporten.no/.well-known/openid-configuration',
      'http://127.0.0.1:1/x',
      'http://127.9.9.9/x',
      'http://localhost:8080/x',
      'http://[::1]/x',
    ]) {
      expect([url, isTrustworthyUpstreamUrl(url)]).toEqual([url, true]);
    }
    for (const url of [
      'http://idporten.no/x',
      'http://0.0.0.0/x',
      'http://10.0.0.1/x',
      'http://127.0.0.1.evil.example/x',
      'http://localhost.evil.example/x',
      'ftp://127.0.0.1/x',
      'not a url',
    ]) {
      expect([url, isTrustworthyUpstreamUrl(url)]).toEqual([url, false]);
    }
  });

  it('knows the loopback hosts', () => {
    expect(['localhost', 'a.localhost', '127.0.0.1', '[::1]', '::ffff:127.0.0.1'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['128.0.0.1', '::2', 'example.com', '0.0.0.0'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});
