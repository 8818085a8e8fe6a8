import { describe, it } from 'node:test';
import { expect } from 'expect';
import { isValidScopePart } from './scope-name';

// The seed's rule, safe to run on the short strings below.
const SEED_RULE = /^([a-z0-9]+\/?)+[a-z0-9]+(\.[a-z0-9]+)?$/;

describe('scope name rule', () => {
  it('accepts and refuses the documented examples', () => {
    for (const good of ['altinn', 'instances/metadata.read', 'apps.read', 'serviceowner/instances.write', 'a/b', 'ab']) {
      expect(isValidScopePart(good)).toBe(true);
    }
    for (const bad of ['meta-data', 'meta_data', 'Altinn', '/a', 'a/', 'a//b', 'a', 'a.b.c', 'a.', '.a', 'a b', '']) {
      expect(isValidScopePart(bad)).toBe(false);
    }
  });

  it('decides exactly the same language as the seed regex on every string up to length 5', () => {
    const alphabet = ['a', 'b', '1', '/', '.', '-'];
    let checked = 0;
    const walk = (prefix: string) => {
      if (prefix.length > 0) {
        expect([prefix, isValidScopePart(prefix)]).toEqual([prefix, SEED_RULE.test(prefix)]);
        checked += 1;
      }
      if (prefix.length < 5) for (const c of alphabet) walk(prefix + c);
    };
    walk('');
    expect(checked).toBe(9330);
  });

  it('refuses a 10 KB hostile input', () => {
    expect(isValidScopePart(`${'a'.repeat(10 * 1024)}-`)).toBe(false);
  });

  // The seed regex needs seconds for 30 characters of this shape and longer than anyone waits
  // for 255; a linear decision takes as long as for a valid string of the same length. Compared
  // with that baseline, measured in the same loop, so a loaded machine slows both alike.
  it('decides a hostile input of the longest allowed length about as fast as a valid one', () => {
    const hostile = `${'a'.repeat(254)}-`;
    const valid = 'a'.repeat(255);
    const fastest = { hostile: Infinity, valid: Infinity };
    for (let round = 0; round < 20; round++) {
      for (const [name, input] of [
        ['hostile', hostile],
        ['valid', valid],
      ] as const) {
        const started = performance.now();
        for (let i = 0; i < 200; i++) isValidScopePart(input);
        fastest[name] = Math.min(fastest[name], performance.now() - started);
      }
    }
    expect(isValidScopePart(hostile)).toBe(false);
    expect(isValidScopePart(valid)).toBe(true);
    expect(fastest.hostile).toBeLessThan(fastest.valid * 20);
  });
});
