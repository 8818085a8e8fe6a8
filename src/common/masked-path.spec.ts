import { describe, it } from 'node:test';
import { expect } from 'expect';
import { maskedPath } from './masked-path';

describe('maskedPath', () => {
  it('masks segments that look like a JWT or hold an 11-digit number, encoded or not', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(maskedPath(`/authentication/api/v1/exchange/${jwt}`)).toBe('/authentication/api/v1/exchange/[masked]');
    expect(maskedPath('/authentication/api/v1/exchange/19108000239')).toBe('/authentication/api/v1/exchange/[masked]');
    expect(maskedPath('/a/pid%3D19108000239/b')).toBe('/a/[masked]/b');
    expect(maskedPath('/a/abc.def.ghi')).toBe('/a/[masked]');
    expect(maskedPath('/a/eyJ')).toBe('/a/[masked]');
  });

  it('leaves ordinary segments, shorter and longer numbers and the rest of the path alone, and drops the query', () => {
    expect(maskedPath('/authentication/api/v1/exchange/id-porten')).toBe('/authentication/api/v1/exchange/id-porten');
    expect(maskedPath('/profiles/1910800023/x')).toBe('/profiles/1910800023/x');
    expect(maskedPath('/profiles/191080002399/x')).toBe('/profiles/191080002399/x');
    expect(maskedPath('/.well-known/openid-configuration')).toBe('/.well-known/openid-configuration');
    expect(maskedPath('/a/%E0%A4%A?q=1')).toBe('/a/%E0%A4%A');
  });
});
