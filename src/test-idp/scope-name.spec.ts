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

  it('answers a 10 KB hostile input in linear time', () => {
    const hostile = `${'a'.repeat(10 * 1024)}-`;
    const started = performance.now();
    expect(isValidScopePart(hostile)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
