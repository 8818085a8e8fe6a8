import { describe, it } from 'node:test';
import { expect } from 'expect';
import { newTokenId } from './token-signer';

describe('newTokenId', () => {
  it('gives every token its own 256 random bits, across many draws from the system', () => {
    const ids = Array.from({ length: 1000 }, () => newTokenId());
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{43}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Consecutive ids must not share bytes (an offset bug would repeat or overlap them).
    const bytes = Buffer.concat(ids.map((id) => Buffer.from(id, 'base64url')));
    const chunks = new Set(Array.from({ length: bytes.length / 8 }, (_, i) => bytes.subarray(i * 8, i * 8 + 8).toString('hex')));
    expect(chunks.size).toBe(bytes.length / 8);
  });
});
